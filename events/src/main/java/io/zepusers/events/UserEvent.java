package io.zepusers.events;

import java.util.UUID;

/**
 * Everything that happens to a user. The stream of a {@code user_id} holds its whole history,
 * across delete and re-create; {@link #uuid()} tells the incarnations apart.
 */
public sealed interface UserEvent extends ZepEvent permits UserCreated, UserUpdated, UserDeleted {

  String userId();

  UUID uuid();

  /** Everything about one user is ordered on one Kafka partition: the record key is the user id. */
  @Override
  default String subject() {
    return userId();
  }
}
