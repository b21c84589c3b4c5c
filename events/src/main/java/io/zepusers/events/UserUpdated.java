package io.zepusers.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A user was changed. Carries the user's full state after the change (not the patch): {@code
 * metadata} is the result of the deep merge, so subscribers never need to re-implement merging.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserUpdated(
    @JsonProperty("user_id") String userId,
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("email") String email,
    @JsonProperty("first_name") String firstName,
    @JsonProperty("last_name") String lastName,
    @JsonProperty("metadata") Map<String, Object> metadata,
    @JsonProperty("updated_at") Instant updatedAt)
    implements UserEvent {

  @Override
  public Instant occurredAt() {
    return updatedAt;
  }

  public static final String TYPE = "user.updated";
}
