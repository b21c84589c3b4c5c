package io.zepusers.query.projection;

import io.zepusers.query.projection.ReadModelGeneration.Generation;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * How far the projections have applied the current generation of the topic, per partition (next
 * offset to apply). The consumer of this instance reports each committed batch here; partitions
 * another instance consumes are read from the shared {@code consumer_positions} table while
 * waiting. When the consumer moves to a new generation, waits measured against the old one end with
 * {@link Reach#MOVED_ON}, and the reader measures again.
 */
@Component
public class AppliedPositions {

  /** How a wait ended. */
  public enum Reach {
    REACHED,
    TIMED_OUT,
    /**
     * the read models moved to another generation of the topic; the target belongs to the old one
     */
    MOVED_ON
  }

  private static final long FIRST_DATABASE_CHECK_NANOS = Duration.ofMillis(5).toNanos();
  private static final long DATABASE_CHECK_NANOS = Duration.ofMillis(25).toNanos();

  private final ProjectionStore store;
  private Generation generation;
  private final Map<Integer, Long> applied = new HashMap<>();

  AppliedPositions(ProjectionStore store, ReadModelGeneration generations) {
    this.store = store;
    this.generation = generations.stored();
  }

  /** Called after the transaction that applied up to these positions of {@code topic} committed. */
  public synchronized void advance(String topic, Map<Integer, Long> nextOffsets) {
    if (topic.equals(generation.topic())) {
      nextOffsets.forEach((partition, next) -> applied.merge(partition, next, Math::max));
      notifyAll();
    }
  }

  /** The consumer moved to {@code next}, whose applied positions are {@code nextOffsets}. */
  public synchronized void reset(Generation next, Map<Integer, Long> nextOffsets) {
    generation = next;
    applied.clear();
    applied.putAll(nextOffsets);
    notifyAll();
  }

  /** The generation this instance's consumer applies, and readers measure against. */
  public synchronized Generation generation() {
    return generation;
  }

  /**
   * Waits until every partition in {@code targets} of generation {@code of} has been applied up to
   * its offset; when {@code of} is a later generation than the current one, first until the read
   * models have moved to it.
   */
  public Reach awaitReached(int of, Map<Integer, Long> targets, Duration timeout)
      throws InterruptedException {
    long now = System.nanoTime();
    long deadline = now + timeout.toNanos();
    // This instance's consumer usually gets there within milliseconds; the database (where other
    // instances record the partitions they apply) is asked only after a short wait, and never while
    // holding the lock that the consumer and every other reader need.
    long nextDatabaseCheck = now + FIRST_DATABASE_CHECK_NANOS;
    while (true) {
      Generation checking;
      synchronized (this) {
        while (true) {
          if (generation.number() > of) {
            return Reach.MOVED_ON;
          }
          if (generation.number() == of && reached(targets)) {
            return Reach.REACHED;
          }
          now = System.nanoTime();
          if (now - deadline >= 0) {
            return Reach.TIMED_OUT;
          }
          if (generation.number() < of) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - now); // woken by reset()
            continue;
          }
          if (now - nextDatabaseCheck >= 0) {
            checking = generation;
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(this, Math.min(deadline - now, nextDatabaseCheck - now));
        }
      }
      nextDatabaseCheck = System.nanoTime() + DATABASE_CHECK_NANOS;
      try {
        advance(checking.topic(), store.positions(checking.topic()));
      } catch (DataAccessException e) {
        // the database is away: wait on, the bound turns this into a 503 rather than a 500
      }
    }
  }

  private boolean reached(Map<Integer, Long> targets) {
    return targets.entrySet().stream()
        .allMatch(t -> applied.getOrDefault(t.getKey(), 0L) >= t.getValue());
  }
}
