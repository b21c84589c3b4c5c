package io.zepusers.command.admin;

import io.zepusers.command.eventstore.ProcessingGroups;
import io.zepusers.command.publish.PublishedNotCommitted;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends the whole event store to Kafka again (for a lost or truncated topic) by moving the
 * publisher back to the start of the event store. Consumers see each event a second time with the
 * same id and (aggregate, sequence), so the projections, which apply each (aggregate, sequence)
 * once, change nothing.
 */
@Component
class Republisher {

  private final EventProcessingConfiguration processing;
  private final JdbcTemplate jdbc;
  private final PublishedNotCommitted alreadyOnKafka;

  /**
   * The store's last global index when the running republish started, which the publisher must pass
   * again before the republish is done; -1 when none runs. The processor's own replay flag is not
   * enough: between the reset and its worker claiming the token it has no status at all, which
   * reads as "not replaying".
   */
  private long target = -1;

  Republisher(
      EventProcessingConfiguration processing,
      JdbcTemplate jdbc,
      PublishedNotCommitted alreadyOnKafka) {
    this.processing = processing;
    this.jdbc = jdbc;
    this.alreadyOnKafka = alreadyOnKafka;
  }

  /** Starts a republish; false if one is still running. */
  public synchronized boolean start() {
    if (running()) {
      return false;
    }
    TrackingEventProcessor publisher = publisher();
    target = total();
    publisher.shutDown();
    alreadyOnKafka.forget();
    publisher.resetTokens();
    publisher.start();
    return true;
  }

  public synchronized Map<String, Object> status() {
    long total = total();
    return Map.of(
        "republishing", running(),
        "events_published_up_to", Math.min(position(publisher()), total),
        "events_total", total);
  }

  /**
   * Whether the last republish has still to send events up to where the store was when it began.
   */
  private boolean running() {
    if (target < 0) {
      return false;
    }
    TrackingEventProcessor publisher = publisher();
    if (publisher.isReplaying() || position(publisher) < target) {
      return true;
    }
    target = -1;
    return false;
  }

  /**
   * The global index up to which the publisher has sent events; 0 before its worker has a token.
   */
  private static long position(TrackingEventProcessor publisher) {
    return publisher.processingStatus().values().stream()
        .map(EventTrackerStatus::getCurrentPosition)
        .mapToLong(p -> p.orElse(0L))
        .min()
        .orElse(0L);
  }

  private long total() {
    Long max =
        jdbc.queryForObject(
            "SELECT coalesce(max(globalindex), 0) FROM domainevententry", Long.class);
    return max == null ? 0 : max;
  }

  private TrackingEventProcessor publisher() {
    return processing
        .eventProcessor(ProcessingGroups.KAFKA_PUBLISHER, TrackingEventProcessor.class)
        .orElseThrow(
            () ->
                new IllegalStateException("no " + ProcessingGroups.KAFKA_PUBLISHER + " processor"));
  }
}
