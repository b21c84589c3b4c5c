package io.zepusers.command.user;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A user as it is after a command: what create and update answer with, decided on the command side.
 */
record UserState(
    UUID uuid,
    long id,
    Instant createdAt,
    Instant updatedAt,
    String userId,
    String email,
    String firstName,
    String lastName,
    Map<String, Object> metadata) {}
