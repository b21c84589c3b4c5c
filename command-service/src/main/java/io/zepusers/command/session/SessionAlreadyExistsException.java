package io.zepusers.command.session;

public class SessionAlreadyExistsException extends RuntimeException {
  public SessionAlreadyExistsException(String sessionId) {
    super("session already exists with session_id: " + sessionId);
  }
}
