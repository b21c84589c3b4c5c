package io.zepusers.command.user;

import io.zepusers.command.application.CommandRefusedException;

public class UserAlreadyExistsException extends CommandRefusedException {
  public UserAlreadyExistsException(String userId) {
    super("user already exists with user_id: " + userId);
  }
}
