package io.zepusers.query.consistency;

import io.zepusers.query.projection.ProjectionStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * How far the projections have applied the topic, per partition (next offset to apply). The consumer of this
 * instance reports each committed batch here; partitions another instance consumes are read from the shared
 * {@code consumer_positions} table while waiting.
 */
@Component
public class AppliedPositions {

  private static final long FIRST_DATABASE_CHECK_NANOS = Duration.ofMillis(5).toNanos();
  private static final long DATABASE_CHECK_NANOS = Duration.ofMillis(25).toNanos();

  private final ProjectionStore store;
  private final Map<Integer, Long> applied = new HashMap<>();

  AppliedPositions(ProjectionStore store) {
    this.store = store;
  }

  /** Called after the transaction that applied up to these positions committed. */
  public synchronized void advance(Map<Integer, Long> nextOffsets) {
    nextOffsets.forEach((partition, next) -> applied.merge(partition, next, Math::max));
    notifyAll();
  }

  /**
   * Waits until every partition in {@code targets} has been applied up to its offset.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitReached(Map<Integer, Long> targets, Duration timeout) throws InterruptedException {
    long now = System.nanoTime();
    long deadline = now + timeout.toNanos();
    // This instance's consumer usually gets there within milliseconds; the database (where other instances record
    // the partitions they apply) is asked only after a short wait, and never while holding the lock that the
    // consumer and every other reader need.
    long nextDatabaseCheck = now + FIRST_DATABASE_CHECK_NANOS;
    while (true) {
      synchronized (this) {
        while (true) {
          if (reached(targets)) {
            return true;
          }
          now = System.nanoTime();
          if (now - deadline >= 0) {
            return false;
          }
          if (now - nextDatabaseCheck >= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(this, Math.min(deadline - now, nextDatabaseCheck - now));
        }
      }
      nextDatabaseCheck = System.nanoTime() + DATABASE_CHECK_NANOS;
      try {
        advance(store.positions());
      } catch (DataAccessException e) {
        // the database is away: wait on, the bound turns this into a 503 rather than a 500
      }
    }
  }

  private boolean reached(Map<Integer, Long> targets) {
    return targets.entrySet().stream().allMatch(t -> applied.getOrDefault(t.getKey(), 0L) >= t.getValue());
  }
}
