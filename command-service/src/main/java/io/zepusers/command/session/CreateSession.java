package io.zepusers.command.session;

import io.zepusers.command.eventstore.SessionStream;
import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

record CreateSession(String sessionId, String userId, Map<String, Object> metadata) {

  @TargetAggregateIdentifier
  public String stream() {
    return SessionStream.of(sessionId);
  }
}
