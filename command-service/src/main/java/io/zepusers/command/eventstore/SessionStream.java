package io.zepusers.command.eventstore;

/**
 * The event stream of a session: {@code session:<session_id>}. Users and sessions have ids of their
 * own, and one may equal the other (an app that names a user's session after the user); the event
 * store and every subscriber key streams by id alone, so a session's stream must never be a user's.
 */
public final class SessionStream {

  public static final String PREFIX = "session:";

  private SessionStream() {}

  public static String of(String sessionId) {
    return PREFIX + sessionId;
  }
}
