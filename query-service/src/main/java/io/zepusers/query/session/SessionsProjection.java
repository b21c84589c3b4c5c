package io.zepusers.query.session;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserDeleted;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.projection.Projection;
import java.sql.Timestamp;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Keeps the {@code sessions} table: one row per live session; a deleted session or user takes its rows away. */
@Component
class SessionsProjection implements Projection {

  private final JdbcTemplate jdbc;
  private final MetadataJson metadataJson;

  SessionsProjection(JdbcTemplate jdbc, MetadataJson metadataJson) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
  }

  @Override
  public void apply(PublishedEvent event) {
    if (event.data() instanceof SessionCreated e) {
      created(e);
    } else if (event.data() instanceof SessionUpdated e) {
      jdbc.update(
          "UPDATE sessions SET updated_at = ?, metadata = ?::jsonb WHERE session_id = ? AND uuid = ?",
          Timestamp.from(e.updatedAt()),
          json(e.metadata()),
          e.sessionId(),
          e.uuid());
    } else if (event.data() instanceof SessionDeleted e) {
      jdbc.update("DELETE FROM sessions WHERE session_id = ? AND uuid = ?", e.sessionId(), e.uuid());
    } else if (event.data() instanceof UserDeleted e) {
      // the command side also deletes each session with its own event; this keeps reads right in between
      jdbc.update("DELETE FROM sessions WHERE user_id = ?", e.userId());
    }
  }

  private void created(SessionCreated e) {
    jdbc.update(
        "INSERT INTO sessions (session_id, id, uuid, user_id, created_at, updated_at, metadata) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) "
            + "ON CONFLICT (session_id) DO UPDATE SET id = EXCLUDED.id, uuid = EXCLUDED.uuid, user_id = EXCLUDED.user_id, "
            + "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, metadata = EXCLUDED.metadata",
        e.sessionId(),
        e.id(),
        e.uuid(),
        e.userId(),
        Timestamp.from(e.createdAt()),
        Timestamp.from(e.createdAt()),
        json(e.metadata()));
  }

  private String json(Map<String, Object> metadata) {
    return metadata == null ? null : metadataJson.write(metadata);
  }
}
