package io.zepusers.query.user;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserState;
import io.zepusers.events.UserUpdated;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.projection.Projection;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the {@code users} table: one row per existing user, removed on delete. A batch is folded
 * into one write per user: its whole row when the batch created it, else its changed fields, or its
 * delete.
 */
@Component
class UsersProjection implements Projection {

  private final JdbcTemplate jdbc;
  private final MetadataJson metadataJson;

  UsersProjection(JdbcTemplate jdbc, MetadataJson metadataJson) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
  }

  /** The end state of one user in the batch. */
  record Write(Kind kind, UUID uuid, UserCreated created, UserUpdated latest) {
    enum Kind {
      CREATE,
      UPDATE,
      DELETE
    }
  }

  /**
   * One write per user, in the order the batch first touched them: a user created in the batch is
   * written whole, with its last update in the batch; a delete wins over what came before it, and a
   * create after a delete starts a new incarnation.
   */
  static Map<String, Write> fold(List<PublishedEvent> events) {
    Map<String, Write> writes = new LinkedHashMap<>();
    for (PublishedEvent event : events) {
      if (event.data() instanceof UserCreated e) {
        writes.put(e.userId(), new Write(Write.Kind.CREATE, e.uuid(), e, null));
      } else if (event.data() instanceof UserUpdated e) {
        Write before = writes.get(e.userId());
        boolean created =
            before != null && before.kind() == Write.Kind.CREATE && before.uuid().equals(e.uuid());
        writes.put(
            e.userId(),
            new Write(
                created ? Write.Kind.CREATE : Write.Kind.UPDATE,
                e.uuid(),
                created ? before.created() : null,
                e));
      } else if (event.data() instanceof UserDeleted e) {
        writes.put(e.userId(), new Write(Write.Kind.DELETE, e.uuid(), null, null));
      }
    }
    return writes;
  }

  @Override
  public void apply(List<PublishedEvent> events) {
    Map<String, Write> writes = fold(events);
    List<Object[]> deletes = new ArrayList<>();
    List<Object[]> upserts = new ArrayList<>();
    List<Object[]> updates = new ArrayList<>();
    writes.forEach(
        (userId, w) -> {
          switch (w.kind()) {
            case DELETE -> deletes.add(new Object[] {userId, w.uuid()});
            case CREATE -> upserts.add(row(w.created(), w.latest()));
            case UPDATE ->
                updates.add(
                    new Object[] {
                      Timestamp.from(w.latest().updatedAt()),
                      w.latest().email(),
                      w.latest().firstName(),
                      w.latest().lastName(),
                      json(w.latest().metadata()),
                      userId,
                      w.uuid()
                    });
          }
        });
    if (!deletes.isEmpty()) {
      jdbc.batchUpdate("DELETE FROM users WHERE user_id = ? AND uuid = ?", deletes);
    }
    if (!upserts.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO users (user_id, id, uuid, created_at, updated_at, email, first_name, last_name, metadata) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) "
              + "ON CONFLICT (user_id) DO UPDATE SET id = EXCLUDED.id, uuid = EXCLUDED.uuid, created_at = EXCLUDED.created_at, "
              + "updated_at = EXCLUDED.updated_at, email = EXCLUDED.email, first_name = EXCLUDED.first_name, "
              + "last_name = EXCLUDED.last_name, metadata = EXCLUDED.metadata",
          upserts);
    }
    if (!updates.isEmpty()) {
      jdbc.batchUpdate(
          "UPDATE users SET updated_at = ?, email = ?, first_name = ?, last_name = ?, metadata = ?::jsonb "
              + "WHERE user_id = ? AND uuid = ?",
          updates);
    }
  }

  /** The row of a user created in this batch, with its later changes in the batch. */
  private Object[] row(UserCreated created, UserUpdated latest) {
    UserState u =
        latest == null ? UserState.created(created) : UserState.created(created).updated(latest);
    return new Object[] {
      u.userId(),
      u.id(),
      u.uuid(),
      Timestamp.from(u.createdAt()),
      Timestamp.from(u.updatedAt()),
      u.email(),
      u.firstName(),
      u.lastName(),
      json(u.metadata())
    };
  }

  private String json(Map<String, Object> metadata) {
    return metadata == null ? null : metadataJson.write(metadata);
  }
}
