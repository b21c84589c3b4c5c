package io.zepusers.command.application;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Retries a command that lost a write conflict, and nothing else. Two writers of one aggregate (two
 * instances, or two creates of a new id) collide on the event store's unique (aggregate, sequence)
 * key; the loser runs again on the new state, where it succeeds or fails for a real reason (for a
 * create: "already exists"). Every other failure is the command's answer at once.
 */
final class ConflictRetries extends IntervalRetryScheduler {

  private static final String UNIQUE_VIOLATION = "23505";

  private final MeterRegistry meters;

  ConflictRetries(ScheduledExecutorService executor, int retries, MeterRegistry meters) {
    super(
        IntervalRetryScheduler.builder()
            .retryExecutor(executor)
            .retryInterval(1)
            .maxRetryCount(retries));
    this.meters = meters;
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
