package io.zepusers.command.session;

import io.zepusers.command.application.CommandRefusedException;

class SessionAlreadyExistsException extends CommandRefusedException {
  public SessionAlreadyExistsException(String sessionId) {
    super("session already exists with session_id: " + sessionId);
  }
}
