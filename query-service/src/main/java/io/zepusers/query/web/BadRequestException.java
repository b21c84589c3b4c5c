package io.zepusers.query.web;

/** Something the caller sent is wrong; the message names it and becomes {@code bad request: <message>}. */
public class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
