package io.zepusers.command.application;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zepusers.command.consistency.PublicationTracker;
import io.zepusers.command.user.UserAlreadyExistsException;
import java.sql.SQLException;
import java.time.Duration;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

/**
 * A command that lost every retry of a write conflict is a {@link WriteConflictException} (answered
 * 409), however Axon reported the lost race; any other failure stays what it was.
 */
class CommandSenderTest {

  private final CommandGateway gateway = mock(CommandGateway.class);
  private final CommandSender sender =
      new CommandSender(
          gateway,
          mock(PublicationTracker.class),
          Duration.ofSeconds(1),
          new SimpleMeterRegistry());

  @Test
  void aConflictLostOnEveryRetryIsAWriteConflict() {
    when(gateway.sendAndWait(any(CommandMessage.class)))
        .thenThrow(new ConcurrencyException("sequence 29 taken"));
    assertThatThrownBy(() -> sender.send("update alice"))
        .isInstanceOf(WriteConflictException.class)
        .hasMessageContaining("send the request again");

    when(gateway.sendAndWait(any(CommandMessage.class)))
        .thenThrow(
            new EventStoreException(
                "An event for aggregate [alice] at sequence [29] was already inserted",
                new SQLException("duplicate key", "23505")));
    assertThatThrownBy(() -> sender.send("update alice"))
        .isInstanceOf(WriteConflictException.class);
  }

  @Test
  void anyOtherFailureIsLeftAsItIs() {
    when(gateway.sendAndWait(any(CommandMessage.class)))
        .thenThrow(new UserAlreadyExistsException("alice"));
    assertThatThrownBy(() -> sender.send("create alice"))
        .isInstanceOf(UserAlreadyExistsException.class);

    when(gateway.sendAndWait(any(CommandMessage.class)))
        .thenThrow(new EventStoreException("down", new SQLException("gone", "08006")));
    assertThatThrownBy(() -> sender.send("update alice")).isInstanceOf(EventStoreException.class);
  }
}
