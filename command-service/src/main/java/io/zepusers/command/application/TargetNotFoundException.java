package io.zepusers.command.application;

/** The user or session a command is for does not exist (or no longer): a 404. */
public abstract class TargetNotFoundException extends RuntimeException {

  protected TargetNotFoundException(String message) {
    super(message);
  }
}
