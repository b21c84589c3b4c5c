package io.zepusers.command.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zepusers.command.user.UserAlreadyExistsException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  @Test
  void aRetryWaitsARandomTimeUnderACeilingThatDoublesUpTo64Ms() {
    var command = GenericCommandMessage.asCommandMessage("update alice");
    RuntimeException conflict = new ConcurrencyException("taken");
    for (int failed = 1; failed <= 9; failed++) {
      List<Class<? extends Throwable>[]> failures = new ArrayList<>();
      for (int i = 0; i < failed; i++) {
        failures.add(new Class[] {ConcurrencyException.class});
      }
      long ceiling = Math.min(ConflictRetries.MAX_WAIT_MS, 1L << (failed - 1));
      Set<Long> waits = new HashSet<>();
      for (int draw = 0; draw < 500; draw++) {
        waits.add(retries.computeRetryInterval(command, conflict, failures));
      }
      assertThat(waits).as("after " + failed + " failures").allMatch(w -> w >= 1 && w <= ceiling);
      assertThat(waits)
          .as("after " + failed + " failures, spread over the range")
          .contains(1L, ceiling);
    }
  }

  @Test
  void theNumberOfRetriesIsBounded() {
    assertThatThrownBy(() -> new ConflictRetries(executor, 31, meters))
        .hasMessageContaining("zep.commands.conflict-retries");
    assertThatThrownBy(() -> new ConflictRetries(executor, -1, meters))
        .hasMessageContaining("zep.commands.conflict-retries");
  }
}
