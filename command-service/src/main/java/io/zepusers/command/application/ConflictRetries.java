package io.zepusers.command.application;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.ExponentialBackOffIntervalRetryScheduler;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Retries a command that lost a write conflict, and nothing else. Two writers of one aggregate (two
 * instances, or two creates of a new id) collide on the event store's unique (aggregate, sequence)
 * key; the loser runs again on the new state, where it succeeds or fails for a real reason (for a
 * create: "already exists"). Every other failure is the command's answer at once.
 *
 * <p>Each instance serialises its own writers of one aggregate, so in a burst of writes to one user
 * through two instances, the instances race at the store on nearly every write, and a command can
 * lose several times in a row. The wait before each retry is drawn at random below a ceiling that
 * doubles from 1 ms up to {@value #MAX_WAIT_MS} ms (Axon's exponential back-off, with full jitter),
 * so that the losers of one race do not come back at the same moment and collide again. A command
 * that loses every time is answered 409 ({@link WriteConflictException}).
 */
final class ConflictRetries extends ExponentialBackOffIntervalRetryScheduler {

  private static final String UNIQUE_VIOLATION = "23505";

  /** The highest ceiling of the wait before a retry. */
  static final long MAX_WAIT_MS = 64;

  private final MeterRegistry meters;

  ConflictRetries(ScheduledExecutorService executor, int retries, MeterRegistry meters) {
    super(
        ExponentialBackOffIntervalRetryScheduler.builder()
            .retryExecutor(executor)
            .backoffFactor(1)
            .maxRetryCount(requireSensible(retries)));
    this.meters = meters;
  }

  private static int requireSensible(int retries) {
    if (retries < 0 || retries > 30) {
      throw new IllegalArgumentException(
          "zep.commands.conflict-retries must be 0 to 30, not " + retries);
    }
    return retries;
  }

  /** A random wait of 1 ms up to the ceiling: 1, 2, 4 ... ms after the 1st, 2nd, 3rd failure. */
  @Override
  protected long computeRetryInterval(
      CommandMessage commandMessage,
      RuntimeException lastFailure,
      List<Class<? extends Throwable>[]> failures) {
    long ceiling =
        Math.min(MAX_WAIT_MS, super.computeRetryInterval(commandMessage, lastFailure, failures));
    return 1 + ThreadLocalRandom.current().nextLong(ceiling);
  }

  /**
   * Counts each lost race ({@code commands.conflicts}), by command and by whether it runs again.
   */
  @Override
  public boolean scheduleRetry(
      CommandMessage commandMessage,
      RuntimeException lastFailure,
      List<Class<? extends Throwable>[]> failures,
      Runnable dispatchTask) {
    boolean retried = super.scheduleRetry(commandMessage, lastFailure, failures, dispatchTask);
    if (isConflict(lastFailure)) {
      Counter.builder("commands.conflicts")
          .description("Commands that lost a write race at the event store")
          .tag("type", commandMessage.getPayloadType().getSimpleName())
          .tag("retried", String.valueOf(retried))
          .register(meters)
          .increment();
    }
    return retried;
  }

  @Override
  protected boolean isExplicitlyNonTransient(Throwable failure) {
    return !isConflict(failure);
  }

  /**
   * Axon reports a lost race on an existing stream as a {@link ConcurrencyException}, on a new one
   * as an {@link AggregateStreamCreationException}; a unique violation seen bare is the same race.
   */
  static boolean isConflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConcurrencyException || t instanceof AggregateStreamCreationException) {
        return true;
      }
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
