package io.zepusers.command.session;

import io.zepusers.command.eventstore.SessionStream;
import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * {@code metadata} is deep-merged into the stored metadata, without its top-level {@code system}
 * key.
 */
record UpdateSession(String sessionId, Map<String, Object> metadata) {

  @TargetAggregateIdentifier
  public String stream() {
    return SessionStream.of(sessionId);
  }
}
