package io.zepusers.command.user;

public class UserNotFoundException extends RuntimeException {
  public UserNotFoundException(String userId) {
    super("no user with user_id: " + userId);
  }
}
