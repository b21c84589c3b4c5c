package io.zepusers.events;

import java.util.UUID;

/**
 * Everything that happens to a session. A session that belongs to a user is published under the
 * user's id, so a user's events and its sessions' events stay in order on one partition.
 */
public sealed interface SessionEvent extends ZepEvent
    permits SessionCreated, SessionUpdated, SessionDeleted {

  String sessionId();

  UUID uuid();

  /** The owning user, or null for a session without a user. A session's user never changes. */
  String userId();

  @Override
  default String subject() {
    return userId() != null ? userId() : sessionId();
  }
}
