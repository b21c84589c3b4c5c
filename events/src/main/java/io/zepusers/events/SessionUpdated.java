package io.zepusers.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A session's metadata changed. Carries the full metadata after the deep merge, not the patch. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionUpdated(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("user_id") String userId,
    @JsonProperty("metadata") Map<String, Object> metadata,
    @JsonProperty("updated_at") Instant updatedAt)
    implements SessionEvent {

  @Override
  public Instant occurredAt() {
    return updatedAt;
  }

  public static final String TYPE = "session.updated";
}
