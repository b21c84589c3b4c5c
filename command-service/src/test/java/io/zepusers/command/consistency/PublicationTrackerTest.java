package io.zepusers.command.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.api.ConsistencyToken;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PublicationTrackerTest {

  private final PublicationTracker tracker = new PublicationTracker(null);

  @Test
  void theTokenNamesTheNextOffsetOfEveryPartitionTheCommandsEventsLandedOn() throws Exception {
    PublicationTracker.Pending pending = tracker.start("cmd-1");
    tracker.stored("cmd-1", "e1");
    tracker.stored("cmd-1", "e2");
    tracker.stored("cmd-1", "e3");
    tracker.published("cmd-1", "e1", 1, 2, 40);
    tracker.published("cmd-1", "e2", 1, 2, 41);
    tracker.published("other-command", "x", 1, 0, 7);
    tracker.published("cmd-1", "e3", 1, 0, 5);

    ConsistencyToken token = pending.await(Duration.ofSeconds(1));

    assertThat(token.nextOffsets()).isEqualTo(Map.of(0, 6L, 2, 42L));
    assertThat(token).hasToString("0:6,2:42");
  }

  @Test
  void theWaitIsBoundedWhenKafkaHasNotAcknowledged() throws Exception {
    PublicationTracker.Pending pending = tracker.start("cmd-2");
    tracker.stored("cmd-2", "e1");
    tracker.stored("cmd-2", "e2");
    tracker.published("cmd-2", "e1", 1, 1, 3);

    assertThat(pending.await(Duration.ofMillis(50))).isNull();
  }

  @Test
  void aTokenOfALaterGenerationNamesIt() throws Exception {
    PublicationTracker.Pending pending = tracker.start("cmd-4");
    tracker.stored("cmd-4", "e1");
    tracker.published("cmd-4", "e1", 3, 1, 9);

    assertThat(pending.await(Duration.ofSeconds(1))).hasToString("3@1:10");
  }

  @Test
  void aCommandWithoutEventsHasAnEmptyToken() throws Exception {
    assertThat(tracker.start("cmd-3").await(Duration.ofMillis(10))).hasToString("");
  }

  /**
   * While a write waits, it looks at the publisher's stored token now and then (for when another
   * instance publishes). That look goes to the database; the acknowledgements of this instance's
   * publisher must not queue behind it.
   */
  @Test
  void anAcknowledgementDoesNotWaitForALookAtTheStoredToken() throws Exception {
    CountDownLatch looking = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    PublisherPosition slowDatabase =
        new PublisherPosition(null, null, null) {
          @Override
          public boolean publishesHere() {
            return false;
          }

          @Override
          boolean covers(Collection<String> eventIds) {
            looking.countDown();
            try {
              answer.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return false;
          }
        };
    PublicationTracker tracker = new PublicationTracker(slowDatabase);
    PublicationTracker.Pending pending = tracker.start("cmd-5");
    tracker.stored("cmd-5", "e1");
    Future<ConsistencyToken> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pending.await(Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(looking.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> acknowledged =
        CompletableFuture.runAsync(() -> tracker.published("cmd-5", "e1", 1, 0, 7));
    try {
      acknowledged.get(5, TimeUnit.SECONDS);
    } finally {
      answer.countDown();
    }
    assertThat(waiting.get(10, TimeUnit.SECONDS)).hasToString("0:8");
  }
}
