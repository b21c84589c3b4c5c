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
    TrackingEventProcessor publisher = publisher();
    if (publisher.isReplaying()) {
      return false;
    }
    publisher.shutDown();
    alreadyOnKafka.forget();
    publisher.resetTokens();
    publisher.start();
    return true;
  }

  public Map<String, Object> status() {
    TrackingEventProcessor publisher = publisher();
    long total = total();
    long done =
        publisher.processingStatus().values().stream()
            .map(EventTrackerStatus::getCurrentPosition)
            .mapToLong(p -> p.orElse(0L))
            .max()
            .orElse(0L);
    return Map.of(
        "republishing", publisher.isReplaying(),
        "events_published_up_to", Math.min(done, total),
        "events_total", total);
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
