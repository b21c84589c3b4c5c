package io.zepusers.command.application;

/**
 * A command that cannot be carried out as asked, whatever the state of the store when it is retried
 * (the id is taken, the user it names does not exist): the caller's request is wrong, a 400.
 */
public abstract class CommandRefusedException extends RuntimeException {

  protected CommandRefusedException(String message) {
    super(message);
  }
}
