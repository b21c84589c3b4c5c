package io.zepusers.command.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zepusers.events.PublishedEvent;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Events Kafka will never take, kept in {@code unpublishable_events} (in the publishing batch's
 * transaction) with an ERROR line and the metric {@code publisher.unpublishable}. The API's limits
 * keep new events far below Kafka's record limit; this is for what was stored before them, or a
 * topic whose limit was lowered.
 */
@Component
class UnpublishableEvents {

  private static final Logger log = LoggerFactory.getLogger(UnpublishableEvents.class);

  private final JdbcTemplate jdbc;
  private final Counter counter;

  UnpublishableEvents(JdbcTemplate jdbc, MeterRegistry meters) {
    this.jdbc = jdbc;
    this.counter =
        Counter.builder("publisher.unpublishable")
            .description("stored events Kafka refused for good (recorded in unpublishable_events)")
            .register(meters);
  }

  /** Failures that sending the same record again can never cure. */
  static boolean refusedForGood(Throwable failure) {
    return failure instanceof RecordTooLargeException
        || failure instanceof RecordBatchTooLargeException
        || failure instanceof InvalidRecordException
        || failure instanceof SerializationException;
  }

  void record(PublishedEvent event, Throwable failure) {
    log.error(
        "Kafka refused event {} ({} #{}) for good, passing over it: {}",
        event.id(),
        event.aggregateId(),
        event.sequence(),
        failure.toString());
    jdbc.update(
        "INSERT INTO unpublishable_events (event_id, aggregate_id, sequence, reason) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (event_id) DO NOTHING",
        event.id(),
        event.aggregateId(),
        event.sequence(),
        failure.toString());
    counter.increment();
  }
}
