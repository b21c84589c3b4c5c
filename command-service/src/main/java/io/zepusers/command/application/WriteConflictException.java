package io.zepusers.command.application;

/**
 * A command lost the race to the event store on every retry: other requests kept changing the same
 * user or session at the same moment. Nothing of it was stored; sending it again is safe.
 */
public class WriteConflictException extends RuntimeException {

  public WriteConflictException(Throwable lastConflict) {
    super(
        "the same user or session was being changed by other requests at the same moment; nothing"
            + " was stored, send the request again",
        lastConflict);
  }
}
