package io.zepusers.web;

/**
 * Something the caller sent is wrong; the message names the field and becomes {@code bad request:
 * <message>}.
 */
public class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
