package io.zepusers.query.health;

import io.zepusers.query.projection.ProjectionSettings;
import io.zepusers.query.projection.ProjectionStatus;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * {@code projection} in {@code /actuator/health} and its readiness group: DOWN while the consumer
 * is not running, or has been failing for longer than {@code zep.projection.unready-after} (its
 * database or the broker away), since every default read then waits its bound and answers 503. UP
 * again by itself once it applies again.
 */
@Component
class ProjectionHealthIndicator implements HealthIndicator {

  private final MessageListenerContainer container;
  private final ProjectionStatus status;
  private final Duration unreadyAfter;

  ProjectionHealthIndicator(
      MessageListenerContainer container, ProjectionStatus status, ProjectionSettings settings) {
    this.container = container;
    this.status = status;
    this.unreadyAfter = settings.unreadyAfter();
  }

  @Override
  public Health health() {
    if (!container.isRunning()) {
      return Health.down().withDetail("consumer", "not running").build();
    }
    Duration failing = status.failingFor();
    if (failing.compareTo(unreadyAfter) > 0) {
      return Health.down()
          .withDetail("consumer", "retrying with backoff")
          .withDetail("failing_for_ms", failing.toMillis())
          .withDetail("last_failure", String.valueOf(status.lastFailure()))
          .build();
    }
    return Health.up()
        .withDetail("consumer", failing.isZero() ? "applying" : "retrying with backoff")
        .build();
  }
}
