package io.zepusers.command.publish;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code zep.publisher.poll-interval} out of its bounds stops the start with a clear reason. */
class PublisherPollIntervalTest {

  @Test
  void aPollFasterThanTenMillisecondsOrSlowerThanTenSecondsIsRefused() {
    KafkaPublishingConfig config = new KafkaPublishingConfig();
    for (Duration refused : new Duration[] {Duration.ofMillis(9), Duration.ofSeconds(11)}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> config.eventStoreTail(null, null, refused))
          .withMessage("zep.publisher.poll-interval must be between 10ms and 10s, not " + refused);
    }
  }
}
