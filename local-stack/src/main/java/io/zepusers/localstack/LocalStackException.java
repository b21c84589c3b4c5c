package io.zepusers.localstack;

/**
 * A start-up or shut-down failure whose message is meant to be shown to a person as is (one line,
 * plus a log excerpt).
 */
class LocalStackException extends RuntimeException {
  public LocalStackException(String message) {
    super(message);
  }

  public LocalStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
