package io.zepusers.command.provenance;

import java.util.HashMap;
import java.util.Map;

/**
 * Who and which request caused a command; recorded on every event it causes (Axon copies these
 * metadata keys from a command to its events and to the commands it sends) and published with them.
 *
 * @param correlationId the caller's {@code X-Correlation-Id}, or one made up for the request
 * @param actor the authenticated caller, or null when auth is off
 */
public record Provenance(String correlationId, String actor) {

  public static final String CORRELATION_ID = "zep.correlationId";
  public static final String ACTOR = "zep.actor";

  public Map<String, Object> asMetaData() {
    Map<String, Object> metaData = new HashMap<>();
    metaData.put(CORRELATION_ID, correlationId);
    if (actor != null) {
      metaData.put(ACTOR, actor);
    }
    return metaData;
  }
}
