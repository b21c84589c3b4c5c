package io.zepusers.web.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.TestInfra;
import io.zepusers.web.health.KafkaHealth.KafkaReachability;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** Against the real broker of the tests, and against a port where no broker listens. */
class KafkaHealthTest {

  @Test
  void upWhileTheBrokerAnswers() {
    try (KafkaReachability kafka =
        new KafkaReachability(TestInfra.kafkaBootstrapServers(), Duration.ofSeconds(5))) {
      assertThat(kafka.health().getStatus()).isEqualTo(Status.UP);
    }
  }

  @Test
  void downWhenNoBrokerAnswersWithinTheTimeout() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (KafkaReachability kafka =
        new KafkaReachability("127.0.0.1:" + port, Duration.ofMillis(500))) {
      long started = System.nanoTime();
      assertThat(kafka.health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
