package io.zepusers.command.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zepusers.command.user.UserAlreadyExistsException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConflictRetriesTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ConflictRetries retries = new ConflictRetries(executor, 4, meters);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void aLostRaceIsRetried() {
    assertThat(ConflictRetries.isConflict(new ConcurrencyException("sequence 3 taken"))).isTrue();
    assertThat(
            ConflictRetries.isConflict(
                new AggregateStreamCreationException("stream exists", new RuntimeException())))
        .isTrue();
    assertThat(
            ConflictRetries.isConflict(
                new EventStoreException("append failed", new SQLException("dup", "23505"))))
        .isTrue();
  }

  @Test
  void anyOtherFailureIsTheAnswer() {
    assertThat(ConflictRetries.isConflict(new UserAlreadyExistsException("alice"))).isFalse();
    assertThat(
            ConflictRetries.isConflict(
                new EventStoreException("append failed", new SQLException("down", "08006"))))
        .isFalse();
    assertThat(
            ConflictRetries.isConflict(
                new IllegalStateException("Cannot reuse aggregate identifier [alice]")))
        .as("decided by type, not by the text of a message")
        .isFalse();
  }

  @Test
  void aConflictIsRetriedAtMostFourTimes() {
    AtomicInteger dispatched = new AtomicInteger();
    var command = GenericCommandMessage.asCommandMessage("create alice");
    RuntimeException conflict = new ConcurrencyException("taken");
    List<Class<? extends Throwable>[]> failures = new ArrayList<>();
    boolean scheduled = true;
    while (scheduled) {
      failures.add(new Class[] {ConcurrencyException.class});
      scheduled = retries.scheduleRetry(command, conflict, failures, dispatched::incrementAndGet);
    }
    assertThat(failures).hasSize(5);
    assertThat(meters.get("commands.conflicts").tag("retried", "true").counter().count())
        .isEqualTo(4);
    assertThat(meters.get("commands.conflicts").tag("retried", "false").counter().count())
        .isEqualTo(1);
    assertThat(
            retries.scheduleRetry(
                command,
                new UserAlreadyExistsException("alice"),
                List.<Class<? extends Throwable>[]>of(
                    new Class[] {UserAlreadyExistsException.class}),
                dispatched::incrementAndGet))
        .isFalse();
  }
}
