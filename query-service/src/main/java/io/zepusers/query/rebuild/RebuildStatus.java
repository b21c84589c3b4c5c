package io.zepusers.query.rebuild;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;

/** What an operator watches: state, events done of total, rate and the estimated time left. */
@JsonPropertyOrder({
  "state",
  "generation",
  "topic",
  "events_done",
  "events_total",
  "events_per_second",
  "eta_seconds",
  "started_at",
  "finished_at",
  "error"
})
record RebuildStatus(
    @JsonProperty("state") String state,
    @JsonProperty("generation") Integer generation,
    @JsonProperty("topic") String topic,
    @JsonProperty("events_done") long eventsDone,
    @JsonProperty("events_total") long eventsTotal,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("finished_at") Instant finishedAt,
    @JsonProperty("error") String error) {

  static RebuildStatus idle() {
    return new RebuildStatus("idle", null, null, 0, 0, null, null, null);
  }

  static RebuildStatus started(Instant now) {
    return new RebuildStatus("preparing", null, null, 0, 0, now, null, null);
  }

  /** Building from generation {@code from} of the topic. */
  RebuildStatus building(
      long total, io.zepusers.query.projection.ReadModelGeneration.Generation from) {
    return new RebuildStatus(
        "building", from.number(), from.topic(), 0, total, startedAt, null, null);
  }

  RebuildStatus total(long total) {
    return new RebuildStatus(state, generation, topic, eventsDone, total, startedAt, null, null);
  }

  RebuildStatus progressed(long events) {
    return new RebuildStatus(
        state,
        generation,
        topic,
        eventsDone + events,
        Math.max(eventsTotal, eventsDone + events),
        startedAt,
        null,
        null);
  }

  RebuildStatus switching() {
    return new RebuildStatus(
        "switching", generation, topic, eventsDone, eventsTotal, startedAt, null, null);
  }

  /**
   * Finished: the total is now known exactly, as what was done (the estimate counted the store's
   * positions).
   */
  RebuildStatus done(Instant now) {
    return new RebuildStatus(
        "done", generation, topic, eventsDone, eventsDone, startedAt, now, null);
  }

  RebuildStatus failed(String why) {
    return new RebuildStatus(
        "failed", generation, topic, eventsDone, eventsTotal, startedAt, Instant.now(), why);
  }

  boolean running() {
    return state.equals("preparing") || state.equals("building") || state.equals("switching");
  }

  double seconds() {
    if (startedAt == null) {
      return 0;
    }
    Instant end = finishedAt != null ? finishedAt : Instant.now();
    return Duration.between(startedAt, end).toMillis() / 1000.0;
  }

  @JsonProperty("events_per_second")
  public long eventsPerSecond() {
    double s = seconds();
    return s <= 0 ? 0 : Math.round(eventsDone / s);
  }

  @JsonProperty("eta_seconds")
  public Long etaSeconds() {
    long rate = eventsPerSecond();
    if (!running() || rate == 0) {
      return null;
    }
    return Math.max(0, (eventsTotal - eventsDone) / rate);
  }

  String summary() {
    return String.format(
        "%s %d/%d events (%.1f%%), %d events/s, ETA %s s",
        state,
        eventsDone,
        eventsTotal,
        eventsTotal == 0 ? 100.0 : 100.0 * eventsDone / eventsTotal,
        eventsPerSecond(),
        etaSeconds() == null ? "-" : etaSeconds().toString());
  }
}
