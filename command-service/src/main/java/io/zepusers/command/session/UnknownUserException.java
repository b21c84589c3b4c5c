package io.zepusers.command.session;

public class UnknownUserException extends RuntimeException {
  public UnknownUserException(String userId) {
    super("user does not exist with user_id: " + userId);
  }
}
