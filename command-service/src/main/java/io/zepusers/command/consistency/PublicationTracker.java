package io.zepusers.command.consistency;

import io.zepusers.api.ConsistencyToken;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Lets a command wait until every event it caused (its own and those of commands it sent, all
 * carrying its trace id) has been acknowledged by Kafka, and tells where they landed, as a {@link
 * ConsistencyToken}.
 */
@Component
public class PublicationTracker {

  private static final long REMOTE_CHECK_NANOS = Duration.ofMillis(20).toNanos();

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final PublisherPosition publisher;

  PublicationTracker(PublisherPosition publisher) {
    this.publisher = publisher;
  }

  /** Call before sending the command whose message identifier is {@code traceId}. */
  public Pending start(String traceId) {
    Pending p = new Pending(publisher);
    pending.put(traceId, p);
    return p;
  }

  public void forget(String traceId) {
    pending.remove(traceId);
  }

  /** An event of {@code traceId} was stored (called while the command is handled). */
  void stored(String traceId, String eventId) {
    Pending p = pending.get(traceId);
    if (p != null) {
      p.stored(eventId);
    }
  }

  /**
   * A stored event of {@code traceId} was rolled back (its command lost a write conflict and is
   * retried under the same trace id): nothing will publish it, so nobody waits for it.
   */
  void rolledBack(String traceId, String eventId) {
    Pending p = pending.get(traceId);
    if (p != null) {
      p.rolledBack(eventId);
    }
  }

  /** Kafka acknowledged an event. Events of commands handled elsewhere or long done are ignored. */
  public void published(
      String traceId, String eventId, int generation, int partition, long offset) {
    Pending p = pending.get(traceId);
    if (p != null) {
      p.published(eventId, generation, partition, offset);
    }
  }

  /** Kafka refused an event for good; the command waiting for it stops waiting for it. */
  public void settled(String traceId, String eventId) {
    Pending p = pending.get(traceId);
    if (p != null) {
      p.settled(eventId);
    }
  }

  /** The events of one command on their way to Kafka. */
  public static final class Pending {

    private final PublisherPosition publisher;
    private final Set<String> outstanding = new HashSet<>();
    private final Set<String> early = new HashSet<>();
    private final Map<Integer, Long> nextOffsets = new TreeMap<>();
    private int generation = 1;

    Pending(PublisherPosition publisher) {
      this.publisher = publisher;
    }

    synchronized void stored(String eventId) {
      if (!early.remove(eventId)) {
        outstanding.add(eventId);
      }
    }

    /**
     * One command's events are stored in one transaction, and a generation takes over only while
     * none can be stored and after the publisher passed all stored ones: they all land in one
     * generation.
     */
    synchronized void published(String eventId, int generation, int partition, long offset) {
      if (generation != this.generation) {
        nextOffsets.clear();
        this.generation = generation;
      }
      nextOffsets.merge(partition, offset + 1, Math::max);
      settled(eventId);
    }

    synchronized void rolledBack(String eventId) {
      outstanding.remove(eventId);
      notifyAll();
    }

    synchronized void settled(String eventId) {
      if (!outstanding.remove(eventId)) {
        // acknowledged before we heard it was stored; cannot happen after commit, kept safe
        early.add(eventId);
      }
      notifyAll();
    }

    /**
     * Waits until every stored event is acknowledged: reported by this instance's publisher, or,
     * when another instance publishes, seen behind the publisher's stored token (then without
     * partition offsets: the token is empty and readers fall back to the topic's end, which
     * includes the events). The stored token is read outside this monitor, which the publisher's
     * acknowledgements need.
     *
     * @return the token, or null when {@code timeout} passed first
     */
    public ConsistencyToken await(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      long nextRemoteCheck = System.nanoTime();
      while (true) {
        Set<String> waitingFor;
        int waitingIn;
        synchronized (this) {
          while (true) {
            if (outstanding.isEmpty()) {
              return new ConsistencyToken(generation, Map.copyOf(nextOffsets));
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
              return null;
            }
            if (now - nextRemoteCheck >= 0) {
              break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(deadline - now, nextRemoteCheck - now));
          }
          waitingFor = Set.copyOf(outstanding);
          waitingIn = generation;
        }
        nextRemoteCheck = System.nanoTime() + REMOTE_CHECK_NANOS;
        if (publishedElsewhere(waitingFor)) {
          return new ConsistencyToken(waitingIn, Map.of());
        }
      }
    }

    private boolean publishedElsewhere(Set<String> eventIds) {
      try {
        return publisher != null && !publisher.publishesHere() && publisher.covers(eventIds);
      } catch (DataAccessException e) {
        // the database is away: wait on; the bound answers the write without a token
        return false;
      }
    }
  }
}
