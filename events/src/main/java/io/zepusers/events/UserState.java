package io.zepusers.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A user as its events leave it: {@link UserCreated} starts it, each {@link UserUpdated} replaces
 * what an update carries (an update event holds the user's whole state after it, merge done). The
 * one place that knows how the events fold: the command side's aggregate, the users read model and
 * the audit trail's answers "as of" a time all use it.
 */
public record UserState(
    UUID uuid,
    long id,
    Instant createdAt,
    Instant updatedAt,
    String userId,
    String email,
    String firstName,
    String lastName,
    Map<String, Object> metadata) {

  /** The user a create made. */
  public static UserState created(UserCreated e) {
    return new UserState(
        e.uuid(),
        e.id(),
        e.createdAt(),
        e.createdAt(),
        e.userId(),
        e.email(),
        e.firstName(),
        e.lastName(),
        e.metadata());
  }

  /** The user after {@code e}; its identity (uuid, paging id, creation time) stays. */
  public UserState updated(UserUpdated e) {
    return new UserState(
        uuid,
        id,
        createdAt,
        e.updatedAt(),
        userId,
        e.email(),
        e.firstName(),
        e.lastName(),
        e.metadata());
  }
}
