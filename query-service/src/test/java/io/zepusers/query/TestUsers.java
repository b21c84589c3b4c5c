package io.zepusers.query;

import io.zepusers.events.UserCreated;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Users for the integration tests, with paging ids unique across them. */
final class TestUsers {

  static final AtomicLong pagingIds = new AtomicLong(1_000);

  private TestUsers() {}

  /** A user created now, with nothing but its ids. */
  static UserCreated userCreated(String userId) {
    return new UserCreated(
        userId,
        UUID.randomUUID(),
        pagingIds.incrementAndGet(),
        null,
        null,
        null,
        null,
        Instant.now());
  }
}
