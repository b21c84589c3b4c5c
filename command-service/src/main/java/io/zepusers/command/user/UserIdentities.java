package io.zepusers.command.user;

import java.util.UUID;

/**
 * Where a new user's identities come from; an interface so aggregate tests can make them
 * predictable.
 */
interface UserIdentities {

  UUID newUuid();

  /** The next paging id: positive, increasing in creation order. */
  long nextPagingId();
}
