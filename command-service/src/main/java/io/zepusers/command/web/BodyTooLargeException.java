package io.zepusers.command.web;

/** A request body over {@link JsonBody#MAX_BYTES}: 413, as the gateway answers for it. */
class BodyTooLargeException extends RuntimeException {

  BodyTooLargeException(int maxBytes) {
    super("request body too large: at most " + maxBytes + " bytes");
  }
}
