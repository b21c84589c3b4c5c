package io.zepusers.command.session;

import io.zepusers.command.eventstore.SessionStream;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Zep's soft delete: the session is gone from every answer and its id cannot be used again. */
record DeleteSession(String sessionId) {

  @TargetAggregateIdentifier
  public String stream() {
    return SessionStream.of(sessionId);
  }
}
