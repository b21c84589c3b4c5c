package io.zepusers.command.user;

public class UserAlreadyExistsException extends RuntimeException {
  public UserAlreadyExistsException(String userId) {
    super("user already exists with user_id: " + userId);
  }
}
