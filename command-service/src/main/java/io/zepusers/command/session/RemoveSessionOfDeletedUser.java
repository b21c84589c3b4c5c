package io.zepusers.command.session;

import io.zepusers.command.eventstore.SessionStream;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Handed by SessionsGoWithTheirUser, in a user delete's transaction, to each of its sessions. */
record RemoveSessionOfDeletedUser(String sessionId) {

  @TargetAggregateIdentifier
  public String stream() {
    return SessionStream.of(sessionId);
  }
}
