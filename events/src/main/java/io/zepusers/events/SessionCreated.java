package io.zepusers.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A session came into existence. {@code id} is its paging id, assigned on the command side. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionCreated(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("id") long id,
    @JsonProperty("user_id") String userId,
    @JsonProperty("metadata") Map<String, Object> metadata,
    @JsonProperty("created_at") Instant createdAt)
    implements SessionEvent {

  @Override
  public Instant occurredAt() {
    return createdAt;
  }

  public static final String TYPE = "session.created";
}
