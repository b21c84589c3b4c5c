package io.zepusers.command.session;

public class SessionNotFoundException extends RuntimeException {
  public SessionNotFoundException(String sessionId) {
    super("no session with session_id: " + sessionId);
  }
}
