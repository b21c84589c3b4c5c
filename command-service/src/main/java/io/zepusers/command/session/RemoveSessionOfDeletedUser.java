package io.zepusers.command.session;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sent by a user delete, in its transaction, for each of the user's sessions. */
public record RemoveSessionOfDeletedUser(String sessionId) {

  @TargetAggregateIdentifier
  public String stream() {
    return SessionStream.of(sessionId);
  }
}
