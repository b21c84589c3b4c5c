package io.zepusers.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A session was deleted: by the caller ({@code reason} {@code deleted}; its id cannot be used
 * again, as in Zep) or because its user was deleted ({@code user_deleted}; its id is free again).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionDeleted(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("user_id") String userId,
    @JsonProperty("reason") Reason reason,
    @JsonProperty("deleted_at") Instant deletedAt)
    implements SessionEvent {

  @Override
  public Instant occurredAt() {
    return deletedAt;
  }

  public static final String TYPE = "session.deleted";

  public enum Reason {
    @JsonProperty("deleted")
    DELETED,
    @JsonProperty("user_deleted")
    USER_DELETED
  }
}
