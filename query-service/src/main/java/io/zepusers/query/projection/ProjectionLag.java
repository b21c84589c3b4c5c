package io.zepusers.query.projection;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zepusers.events.CloudEventsKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.stereotype.Component;

/** The {@code projection.lag} metric: from an event being stored to its change being readable. */
@Component
class ProjectionLag {

  private final Timer lag;

  ProjectionLag(MeterRegistry meters) {
    this.lag =
        Timer.builder("projection.lag")
            .description("from an event being stored to its change being visible in the read model")
            .publishPercentiles(0.5, 0.99)
            // buckets, so that a scraper can compute the lag of any time window
            // (histogram_quantile)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(1))
            .register(meters);
  }

  /** How long each event took from the event store to being readable. */
  void record(List<ConsumerRecord<String, byte[]>> records) {
    long now = System.currentTimeMillis();
    for (ConsumerRecord<String, byte[]> record : records) {
      Header time = record.headers().lastHeader(CloudEventsKafka.TIME);
      if (time != null) {
        try {
          long stored =
              Instant.parse(new String(time.value(), StandardCharsets.UTF_8)).toEpochMilli();
          lag.record(Math.max(0, now - stored), TimeUnit.MILLISECONDS);
        } catch (DateTimeParseException e) {
          // not ours; it went to the dead-letter topic
        }
      }
    }
  }
}
