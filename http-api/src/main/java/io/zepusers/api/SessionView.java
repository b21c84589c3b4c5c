package io.zepusers.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A session as Zep clients read it: {@code metadata} and {@code user_id} are always present, null
 * when unset.
 */
@JsonPropertyOrder({
  "uuid",
  "id",
  "created_at",
  "updated_at",
  "deleted_at",
  "session_id",
  "metadata",
  "user_id"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SessionView(
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("id") long id,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("updated_at") String updatedAt,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("metadata") Map<String, Object> metadata,
    @JsonProperty("user_id") String userId) {

  public static SessionView of(
      UUID uuid,
      long id,
      Instant createdAt,
      Instant updatedAt,
      String sessionId,
      Map<String, Object> metadata,
      String userId) {
    return new SessionView(
        uuid,
        id,
        ZepTime.format(createdAt),
        ZepTime.format(updatedAt),
        sessionId,
        metadata,
        userId);
  }

  @JsonProperty("deleted_at")
  public Instant deletedAt() {
    return null;
  }
}
