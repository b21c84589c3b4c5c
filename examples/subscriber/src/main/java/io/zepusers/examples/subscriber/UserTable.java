package io.zepusers.examples.subscriber;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The subscriber's table of users. */
@Component
class UserTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcTemplate jdbc;

  UserTable(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Applies one event, once: its stream's last applied sequence moves to the event's in the same
   * transaction, and an event at or below it (a redelivery, or a new generation's copy of history)
   * changes nothing. The stream's row stays after a delete, so nothing earlier can bring the user
   * back.
   *
   * @return false when the event had been applied before
   */
  @Transactional
  public boolean apply(PublishedEvent event) {
    int claimed =
        jdbc.update(
            "INSERT INTO applied_streams (aggregate_id, last_sequence) VALUES (?, ?) "
                + "ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence "
                + "WHERE applied_streams.last_sequence < EXCLUDED.last_sequence",
            event.aggregateId(),
            event.sequence());
    if (claimed == 0) {
      return false;
    }
    if (event.data() instanceof UserCreated c) {
      upsert(
          c.userId(),
          c.uuid(),
          c.email(),
          c.firstName(),
          c.lastName(),
          c.metadata(),
          c.createdAt());
    } else if (event.data() instanceof UserUpdated u) {
      // an update carries the user's whole state after it
      upsert(
          u.userId(),
          u.uuid(),
          u.email(),
          u.firstName(),
          u.lastName(),
          u.metadata(),
          u.updatedAt());
    } else if (event.data() instanceof UserDeleted d) {
      // erase everything kept about the user
      jdbc.update("DELETE FROM users WHERE user_id = ?", d.userId());
    }
    // sessions are not kept here; their streams are still marked applied
    return true;
  }

  private void upsert(
      String userId,
      UUID uuid,
      String email,
      String firstName,
      String lastName,
      Map<String, Object> metadata,
      Instant at) {
    jdbc.update(
        "INSERT INTO users (user_id, uuid, email, first_name, last_name, metadata, updated_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) "
            + "ON CONFLICT (user_id) DO UPDATE SET uuid = EXCLUDED.uuid, email = EXCLUDED.email, first_name = EXCLUDED.first_name, "
            + "last_name = EXCLUDED.last_name, metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at",
        userId,
        uuid,
        email,
        firstName,
        lastName,
        metadata == null ? null : json(metadata),
        Timestamp.from(at));
  }

  private static String json(Map<String, Object> metadata) {
    try {
      return JSON.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("metadata is not JSON", e);
    }
  }
}
