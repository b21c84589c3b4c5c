package io.zepusers.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A user was deleted, together with all of its sessions. The same {@code user_id} may be created
 * again.
 */
public record UserDeleted(
    @JsonProperty("user_id") String userId,
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("deleted_at") Instant deletedAt)
    implements UserEvent {

  @Override
  public Instant occurredAt() {
    return deletedAt;
  }

  public static final String TYPE = "user.deleted";
}
