package io.zepusers.command.session;

import io.zepusers.command.application.CommandRefusedException;

class UnknownUserException extends CommandRefusedException {
  public UnknownUserException(String userId) {
    super("user does not exist with user_id: " + userId);
  }
}
