package io.zepusers.web.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.TestInfra;
import io.zepusers.web.health.KafkaHealth.KafkaReachability;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
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
    // bound but not listening for the whole test: connections are refused, and no server started
    // meanwhile (in this JVM or another) can be given the port, as it could be after a bind and
    // close
    try (SocketChannel closed = SocketChannel.open()) {
      closed.setOption(StandardSocketOptions.SO_REUSEADDR, false);
      closed.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) closed.getLocalAddress()).getPort();
      try (KafkaReachability kafka =
          new KafkaReachability("127.0.0.1:" + port, Duration.ofMillis(500))) {
        long started = System.nanoTime();
        assertThat(kafka.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      }
    }
  }
}
