package io.zepusers.web.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@code kafka} in {@code /actuator/health}, for the readiness groups of both services: UP while
 * the broker answers a {@code DescribeCluster} within {@code zep.kafka.health-timeout} (2 s), DOWN
 * otherwise, so that an orchestrator stops routing to an instance that can neither publish nor
 * follow the topic. One admin client, kept; a check answered within the last second is answered
 * again, so health probes cannot load the broker.
 */
@AutoConfiguration
@ConditionalOnClass(Admin.class)
@ConditionalOnProperty("zep.kafka.bootstrap-servers")
public class KafkaHealth {

  @Bean(destroyMethod = "close")
  KafkaReachability kafkaHealthIndicator(
      @Value("${zep.kafka.bootstrap-servers}") String bootstrapServers,
      @Value("${zep.kafka.health-timeout:2s}") Duration timeout) {
    return new KafkaReachability(bootstrapServers, timeout);
  }

  /** The indicator; its bean name makes it {@code kafka}. */
  public static final class KafkaReachability implements HealthIndicator, AutoCloseable {

    private static final long REUSE_NANOS = Duration.ofSeconds(1).toNanos();

    private final Admin admin;
    private final Duration timeout;
    private volatile Health last;
    private volatile long lastAt;

    KafkaReachability(String bootstrapServers, Duration timeout) {
      this.timeout = timeout;
      this.admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  AdminClientConfig.CLIENT_ID_CONFIG,
                  "health",
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  (int) timeout.toMillis(),
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                  (int) timeout.toMillis()));
    }

    @Override
    public Health health() {
      Health cached = last;
      if (cached != null && System.nanoTime() - lastAt < REUSE_NANOS) {
        return cached;
      }
      Health now;
      try {
        String cluster =
            admin
                .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                .clusterId()
                .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        now = Health.up().withDetail("cluster", cluster).build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        now = Health.down().withDetail("error", "interrupted").build();
      } catch (Exception e) {
        now =
            Health.down()
                .withDetail(
                    "error", "the broker did not answer within " + timeout.toMillis() + " ms")
                .build();
      }
      last = now;
      lastAt = System.nanoTime();
      return now;
    }

    @Override
    public void close() {
      admin.close(Duration.ofSeconds(2));
    }
  }
}
