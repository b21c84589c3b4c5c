package io.zepusers.command.eventstore;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.SubscribableMessageSource;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * The publisher's source of events: the store read in order from a token, woken when this instance
 * commits events, and polled every {@code pollInterval} for those other instances store.
 *
 * <p>It replaces Axon's {@code EmbeddedEventStore} as the publisher's source. That store serves a
 * consumer at the head from a shared cache that its producer thread fills, but the producer only
 * reads while some consumer follows the cache, and a consumer only follows it from an event the
 * cache holds. A backlog larger than the cache (10,000 events) made the publisher leave the cache,
 * which then stood still where it had left it; having read the backlog on its own, the publisher
 * found none of its events in the cache and never rejoined it, but went back and forth between the
 * two for good (AxonFramework#1037 is the same state). In that state nothing woke it when an event
 * was stored, and every write waited for the processor's next poll, about a second, until a
 * restart. With one publisher per instance, a cache shared between consumers saves nothing.
 */
public final class StoreTail implements StreamableMessageSource<TrackedEventMessage<?>> {

  private final EventStorageEngine storage;
  private final long pollNanos;
  private final Lock lock = new ReentrantLock();
  private final Condition stored = lock.newCondition();

  /** How many times events were committed here; read before a query, so no wake-up is missed. */
  private long commits;

  /**
   * @param events where this instance's events are published when they are stored (the event
   *     store); each commit of some wakes the streams
   */
  public StoreTail(
      EventStorageEngine storage,
      SubscribableMessageSource<EventMessage<?>> events,
      Duration pollInterval) {
    this.storage = storage;
    this.pollNanos = pollInterval.toNanos();
    // called as the events are stored, in their unit of work: woken once they are committed
    events.subscribe(this::storing);
  }

  private void storing(List<? extends EventMessage<?>> events) {
    if (CurrentUnitOfWork.isStarted()) {
      CurrentUnitOfWork.get().afterCommit(unitOfWork -> committed());
    } else {
      committed();
    }
  }

  /** Events were committed to the store: streams waiting for more read again. */
  void committed() {
    lock.lock();
    try {
      commits++;
      stored.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private long commits() {
    lock.lock();
    try {
      return commits;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until events were committed after {@code seen} commits, or {@code nanos} passed. */
  private void awaitCommitAfter(long seen, long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (commits == seen && nanos > 0) {
        nanos = stored.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public TrackingEventStream openStream(TrackingToken trackingToken) {
    return new Tail(trackingToken);
  }

  @Override
  public TrackingToken createTailToken() {
    return storage.createTailToken();
  }

  @Override
  public TrackingToken createHeadToken() {
    return storage.createHeadToken();
  }

  @Override
  public TrackingToken createTokenAt(Instant dateTime) {
    return storage.createTokenAt(dateTime);
  }

  /**
   * One reader of the store, from a token. It reads the store a batch at a time; when a read finds
   * nothing new, the next one starts again from the last event read.
   */
  private final class Tail implements TrackingEventStream {

    private TrackingToken last;
    private Stream<? extends TrackedEventMessage<?>> events;
    private Iterator<? extends TrackedEventMessage<?>> iterator;
    private TrackedEventMessage<?> peeked;

    private Tail(TrackingToken from) {
      last = from;
    }

    @Override
    public Optional<TrackedEventMessage<?>> peek() {
      return hasNextAvailable() ? Optional.of(peeked) : Optional.empty();
    }

    @Override
    public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
      long left = unit.toNanos(timeout);
      long deadline = System.nanoTime() + left;
      while (peeked == null) {
        long seen = commits();
        if (readable()) {
          peeked = iterator.next();
          last = peeked.trackingToken();
        } else if (left <= 0) {
          return false;
        } else {
          awaitCommitAfter(seen, Math.min(left, pollNanos));
          left = deadline - System.nanoTime();
        }
      }
      return true;
    }

    /** Whether the store has an event after the last one read (a query when the batch is used). */
    private boolean readable() {
      if (iterator == null) {
        events = storage.readEvents(last, false);
        iterator = events.iterator();
      }
      if (iterator.hasNext()) {
        return true;
      }
      close();
      return false;
    }

    @Override
    public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
      while (!hasNextAvailable(Integer.MAX_VALUE, TimeUnit.MILLISECONDS)) {
        // waits on; only an interrupt ends it
      }
      TrackedEventMessage<?> next = peeked;
      peeked = null;
      return next;
    }

    @Override
    public void close() {
      if (events != null) {
        events.close();
        events = null;
        iterator = null;
      }
    }
  }
}
