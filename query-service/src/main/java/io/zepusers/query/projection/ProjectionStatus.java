package io.zepusers.query.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the projection is making progress or waiting out a failure that passes (its database or
 * the broker unreachable), since when, and why. Readiness reads it; {@code
 * projection.transient.failures} counts the attempts that failed so.
 */
@Component
public class ProjectionStatus {

  private static final Logger log = LoggerFactory.getLogger(ProjectionStatus.class);

  private final Counter transientFailures;
  private long failingSince;
  private boolean failing;
  private String lastFailure;
  private long attempts;

  ProjectionStatus(MeterRegistry meters) {
    this.transientFailures =
        Counter.builder("projection.transient.failures")
            .description(
                "attempts to apply or dead-letter that failed for a reason that passes, and are retried")
            .register(meters);
  }

  synchronized void failed(Throwable failure) {
    transientFailures.increment();
    lastFailure = Failures.describe(failure);
    attempts++;
    if (!failing) {
      failing = true;
      failingSince = System.nanoTime();
      log.warn(
          "projection is waiting (retrying with backoff, never dead-lettering for this): {}",
          lastFailure);
    }
  }

  synchronized void progressed() {
    if (failing) {
      log.info(
          "projection applies again after {} ms and {} failed attempts",
          Duration.ofNanos(System.nanoTime() - failingSince).toMillis(),
          attempts);
      failing = false;
      attempts = 0;
      lastFailure = null;
    }
  }

  /** How long it has been failing without any progress; zero while it progresses. */
  public synchronized Duration failingFor() {
    return failing ? Duration.ofNanos(System.nanoTime() - failingSince) : Duration.ZERO;
  }

  public synchronized String lastFailure() {
    return lastFailure;
  }
}
