package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromOneSecondUpToThirtySeconds() {
    Backoff b = new Backoff();
    long[] seconds = new long[8];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = b.next().toSeconds();
    }
    assertThat(seconds).containsExactly(1, 2, 4, 8, 16, 30, 30, 30);
  }

  @Test
  void startsOverAfterThePartStayedUpForAMinute() {
    Backoff b = new Backoff();
    b.next();
    b.next();
    b.wasUpFor(Duration.ofSeconds(59));
    assertThat(b.next())
        .as("a part that crashes again soon keeps backing off")
        .isEqualTo(Duration.ofSeconds(4));
    b.wasUpFor(Duration.ofSeconds(60));
    assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
  }
}
