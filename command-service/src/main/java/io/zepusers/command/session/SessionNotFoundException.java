package io.zepusers.command.session;

import io.zepusers.command.application.TargetNotFoundException;

class SessionNotFoundException extends TargetNotFoundException {
  public SessionNotFoundException(String sessionId) {
    super("no session with session_id: " + sessionId);
  }
}
