package io.zepusers.command.user;

import io.zepusers.command.application.TargetNotFoundException;

class UserNotFoundException extends TargetNotFoundException {
  public UserNotFoundException(String userId) {
    super("no user with user_id: " + userId);
  }
}
