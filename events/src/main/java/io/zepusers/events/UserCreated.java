package io.zepusers.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A user came into existence (for the first time, or again after a delete). {@code id} is the
 * paging id, assigned on the command side so that a rebuilt read model pages exactly like the
 * original.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserCreated(
    @JsonProperty("user_id") String userId,
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("id") long id,
    @JsonProperty("email") String email,
    @JsonProperty("first_name") String firstName,
    @JsonProperty("last_name") String lastName,
    @JsonProperty("metadata") Map<String, Object> metadata,
    @JsonProperty("created_at") Instant createdAt)
    implements UserEvent {

  @Override
  public Instant occurredAt() {
    return createdAt;
  }

  public static final String TYPE = "user.created";
}
