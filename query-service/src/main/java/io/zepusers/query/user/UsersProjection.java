package io.zepusers.query.user;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.projection.Projection;
import java.sql.Timestamp;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Keeps the {@code users} table: one row per existing user, removed on delete. */
@Component
class UsersProjection implements Projection {

  private final JdbcTemplate jdbc;
  private final MetadataJson metadataJson;

  UsersProjection(JdbcTemplate jdbc, MetadataJson metadataJson) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
  }

  @Override
  public void apply(PublishedEvent event) {
    if (event.data() instanceof UserCreated e) {
      created(e);
    } else if (event.data() instanceof UserUpdated e) {
      updated(e);
    } else if (event.data() instanceof UserDeleted e) {
      deleted(e);
    }
  }

  private void created(UserCreated e) {
    jdbc.update(
        "INSERT INTO users (user_id, id, uuid, created_at, updated_at, email, first_name, last_name, metadata) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) "
            + "ON CONFLICT (user_id) DO UPDATE SET id = EXCLUDED.id, uuid = EXCLUDED.uuid, created_at = EXCLUDED.created_at, "
            + "updated_at = EXCLUDED.updated_at, email = EXCLUDED.email, first_name = EXCLUDED.first_name, "
            + "last_name = EXCLUDED.last_name, metadata = EXCLUDED.metadata",
        e.userId(),
        e.id(),
        e.uuid(),
        Timestamp.from(e.createdAt()),
        Timestamp.from(e.createdAt()),
        e.email(),
        e.firstName(),
        e.lastName(),
        json(e.metadata()));
  }

  private void updated(UserUpdated e) {
    jdbc.update(
        "UPDATE users SET updated_at = ?, email = ?, first_name = ?, last_name = ?, metadata = ?::jsonb "
            + "WHERE user_id = ? AND uuid = ?",
        Timestamp.from(e.updatedAt()),
        e.email(),
        e.firstName(),
        e.lastName(),
        json(e.metadata()),
        e.userId(),
        e.uuid());
  }

  private void deleted(UserDeleted e) {
    jdbc.update("DELETE FROM users WHERE user_id = ? AND uuid = ?", e.userId(), e.uuid());
  }

  private String json(Map<String, Object> metadata) {
    return metadata == null ? null : metadataJson.write(metadata);
  }
}
