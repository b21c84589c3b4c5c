package io.zepusers.api;

/**
 * A request that breaks one of the {@link InputLimits}; the message names the field and the limit.
 */
public class InvalidInputException extends IllegalArgumentException {

  public InvalidInputException(String message) {
    super(message);
  }
}
