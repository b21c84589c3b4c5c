package io.zepusers.command.web;

import java.sql.SQLException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;

/**
 * Sends a command and waits for its result. Two writers of one aggregate (two instances, or two creates of a new
 * id) collide on the event store's unique (aggregate, sequence) key; the loser is re-run on the new state, where it
 * either succeeds or fails for a real reason (for a create: "already exists").
 */
@Component
public class CommandSender {

  private static final int ATTEMPTS = 5;
  private static final String UNIQUE_VIOLATION = "23505";

  private final CommandGateway commands;

  public CommandSender(CommandGateway commands) {
    this.commands = commands;
  }

  public <R> R send(Object command) {
    for (int attempt = 1; ; attempt++) {
      try {
        return commands.sendAndWait(command);
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !isConflict(e)) {
          throw e;
        }
      }
    }
  }

  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConcurrencyException) {
        return true;
      }
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains("Cannot reuse aggregate identifier")) {
        return true;
      }
    }
    return false;
  }
}
