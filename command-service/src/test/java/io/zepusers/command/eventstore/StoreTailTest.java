package io.zepusers.command.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.Test;

/**
 * The publisher's stream of the store: in order from its token, woken by a commit here, and finding
 * other instances' events at its next poll.
 */
class StoreTailTest {

  final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
  final SimpleEventBus bus = SimpleEventBus.builder().build();

  @Test
  void readsTheStoreInOrderFromItsTokenAndPeeksWithoutTakingTheEvent() throws Exception {
    StoreTail tail = new StoreTail(storage, bus, Duration.ofHours(1));
    storage.appendEvents(GenericEventMessage.asEventMessage("a"));
    storage.appendEvents(GenericEventMessage.asEventMessage("b"));
    try (TrackingEventStream stream = tail.openStream(null)) {
      assertThat(stream.peek().map(e -> (Object) e.getPayload())).contains("a");
      TrackedEventMessage<?> first = stream.nextAvailable();
      assertThat(first.getPayload()).isEqualTo("a");
      assertThat(stream.nextAvailable().getPayload()).isEqualTo("b");
      assertThat(stream.hasNextAvailable()).isFalse();

      storage.appendEvents(GenericEventMessage.asEventMessage("c"));
      assertThat(stream.hasNextAvailable()).isTrue();
      assertThat(stream.nextAvailable().getPayload()).isEqualTo("c");
      try (TrackingEventStream fromFirst = tail.openStream(first.trackingToken())) {
        assertThat(fromFirst.nextAvailable().getPayload()).isEqualTo("b");
      }
    }
  }

  @Test
  void aCommitHereWakesAWaitingStreamAtOnce() throws Exception {
    // polled once an hour: only the commit can wake it within the test
    StoreTail tail = new StoreTail(storage, bus, Duration.ofHours(1));
    try (TrackingEventStream stream = tail.openStream(null)) {
      AtomicReference<Thread> waiter = new AtomicReference<>();
      CompletableFuture<Boolean> found = waitForAnEvent(stream, waiter);
      // it has read the store, found nothing and waits
      await().until(() -> waiter.get() != null && isWaiting(waiter.get()));

      // a command's unit of work: the event is stored, and the stream woken once it commits
      DefaultUnitOfWork<?> command = DefaultUnitOfWork.startAndGet(null);
      storage.appendEvents(GenericEventMessage.asEventMessage("stored"));
      bus.publish(GenericEventMessage.asEventMessage("stored"));
      assertThat(found).isNotDone();
      command.commit();

      assertThat(found.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(stream.nextAvailable().getPayload()).isEqualTo("stored");
    }
  }

  @Test
  void eventsStoredByAnotherInstanceAreFoundAtTheNextPoll() throws Exception {
    StoreTail tail = new StoreTail(storage, bus, Duration.ofMillis(20));
    try (TrackingEventStream stream = tail.openStream(null)) {
      CompletableFuture<Boolean> found = waitForAnEvent(stream, new AtomicReference<>());
      // stored without a commit here to wake it
      storage.appendEvents(GenericEventMessage.asEventMessage("elsewhere"));
      assertThat(found.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(stream.nextAvailable().getPayload()).isEqualTo("elsewhere");
    }
  }

  @Test
  void aWaitEndsEmptyAtItsTimeout() throws Exception {
    StoreTail tail = new StoreTail(storage, bus, Duration.ofHours(1));
    try (TrackingEventStream stream = tail.openStream(null)) {
      assertThat(stream.hasNextAvailable(50, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(stream.peek()).isEmpty();
    }
  }

  /**
   * Waits up to an hour for the stream's next event, on another thread, named in {@code waiter}.
   */
  private static CompletableFuture<Boolean> waitForAnEvent(
      TrackingEventStream stream, AtomicReference<Thread> waiter) {
    return CompletableFuture.supplyAsync(
        () -> {
          waiter.set(Thread.currentThread());
          try {
            return stream.hasNextAvailable(1, TimeUnit.HOURS);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static boolean isWaiting(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }
}
