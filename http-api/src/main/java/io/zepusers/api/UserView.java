package io.zepusers.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A user as Zep clients read it. Key order and omission rules are the wire contract: empty {@code
 * email}, {@code first_name}, {@code last_name} and null or empty {@code metadata} are left out;
 * {@code deleted_at} is always present and null.
 */
@JsonPropertyOrder({
  "uuid",
  "id",
  "created_at",
  "updated_at",
  "deleted_at",
  "user_id",
  "email",
  "first_name",
  "last_name",
  "metadata"
})
public record UserView(
    @JsonProperty("uuid") UUID uuid,
    @JsonProperty("id") long id,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("updated_at") String updatedAt,
    @JsonProperty("user_id") String userId,
    @JsonProperty("email") @JsonInclude(JsonInclude.Include.NON_EMPTY) String email,
    @JsonProperty("first_name") @JsonInclude(JsonInclude.Include.NON_EMPTY) String firstName,
    @JsonProperty("last_name") @JsonInclude(JsonInclude.Include.NON_EMPTY) String lastName,
    @JsonProperty("metadata") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        Map<String, Object> metadata) {

  public static UserView of(
      UUID uuid,
      long id,
      Instant createdAt,
      Instant updatedAt,
      String userId,
      String email,
      String firstName,
      String lastName,
      Map<String, Object> metadata) {
    return new UserView(
        uuid,
        id,
        ZepTime.format(createdAt),
        ZepTime.format(updatedAt),
        userId,
        email,
        firstName,
        lastName,
        metadata);
  }

  @JsonProperty("deleted_at")
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public Instant deletedAt() {
    return null;
  }
}
