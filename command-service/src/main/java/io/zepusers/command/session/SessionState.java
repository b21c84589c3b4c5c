package io.zepusers.command.session;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

record SessionState(
    UUID uuid,
    long id,
    Instant createdAt,
    Instant updatedAt,
    String sessionId,
    Map<String, Object> metadata,
    String userId) {}
