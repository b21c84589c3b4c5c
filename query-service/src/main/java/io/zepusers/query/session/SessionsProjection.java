package io.zepusers.query.session;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserDeleted;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.projection.Projection;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the {@code sessions} table: one row per live session; a deleted session or user takes its
 * rows away. A batch is folded into one write per session, after removing the sessions of users the
 * batch deleted.
 */
@Component
class SessionsProjection implements Projection {

  private final JdbcTemplate jdbc;
  private final MetadataJson metadataJson;

  SessionsProjection(JdbcTemplate jdbc, MetadataJson metadataJson) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
  }

  /** A batch folded: see {@link #fold}. */
  record Folded(Set<String> deletedUsers, Map<String, Write> writes) {}

  /** The end state of one session in the batch. */
  record Write(Kind kind, UUID uuid, String userId, SessionCreated created, SessionUpdated latest) {
    enum Kind {
      CREATE,
      UPDATE,
      DELETE
    }
  }

  /**
   * What a batch comes to: the users it deleted (their sessions go first), then one write per
   * session, in the order the batch first touched them. A session created in the batch is written
   * whole with its last update; a delete, its own or its user's, wins over what came before it.
   */
  static Folded fold(List<PublishedEvent> events) {
    Map<String, Write> writes = new LinkedHashMap<>();
    Set<String> deletedUsers = new LinkedHashSet<>();
    for (PublishedEvent event : events) {
      if (event.data() instanceof SessionCreated e) {
        writes.put(e.sessionId(), new Write(Write.Kind.CREATE, e.uuid(), e.userId(), e, null));
      } else if (event.data() instanceof SessionUpdated e) {
        Write before = writes.get(e.sessionId());
        boolean created =
            before != null && before.kind() == Write.Kind.CREATE && before.uuid().equals(e.uuid());
        writes.put(
            e.sessionId(),
            new Write(
                created ? Write.Kind.CREATE : Write.Kind.UPDATE,
                e.uuid(),
                e.userId(),
                created ? before.created() : null,
                e));
      } else if (event.data() instanceof SessionDeleted e) {
        writes.put(e.sessionId(), new Write(Write.Kind.DELETE, e.uuid(), e.userId(), null, null));
      } else if (event.data() instanceof UserDeleted e) {
        // the command side also deletes each session with its own event; this keeps reads right in
        // between. Sessions the batch wrote for this user so far go too; ones it writes later
        // belong to a new incarnation.
        deletedUsers.add(e.userId());
        writes.replaceAll(
            (id, w) ->
                e.userId().equals(w.userId())
                    ? new Write(Write.Kind.DELETE, w.uuid(), w.userId(), null, null)
                    : w);
      }
    }
    return new Folded(deletedUsers, writes);
  }

  @Override
  public void apply(List<PublishedEvent> events) {
    Folded folded = fold(events);
    Set<String> deletedUsers = folded.deletedUsers();
    Map<String, Write> writes = folded.writes();
    if (!deletedUsers.isEmpty()) {
      jdbc.batchUpdate(
          "DELETE FROM sessions WHERE user_id = ?",
          deletedUsers.stream().map(u -> new Object[] {u}).toList());
    }
    List<Object[]> deletes = new ArrayList<>();
    List<Object[]> upserts = new ArrayList<>();
    List<Object[]> updates = new ArrayList<>();
    writes.forEach(
        (sessionId, w) -> {
          switch (w.kind()) {
            case DELETE -> deletes.add(new Object[] {sessionId, w.uuid()});
            case CREATE -> upserts.add(row(w.created(), w.latest()));
            case UPDATE ->
                updates.add(
                    new Object[] {
                      Timestamp.from(w.latest().updatedAt()),
                      json(w.latest().metadata()),
                      sessionId,
                      w.uuid()
                    });
          }
        });
    if (!deletes.isEmpty()) {
      jdbc.batchUpdate("DELETE FROM sessions WHERE session_id = ? AND uuid = ?", deletes);
    }
    if (!upserts.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO sessions (session_id, id, uuid, user_id, created_at, updated_at, metadata) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) "
              + "ON CONFLICT (session_id) DO UPDATE SET id = EXCLUDED.id, uuid = EXCLUDED.uuid, user_id = EXCLUDED.user_id, "
              + "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, metadata = EXCLUDED.metadata",
          upserts);
    }
    if (!updates.isEmpty()) {
      jdbc.batchUpdate(
          "UPDATE sessions SET updated_at = ?, metadata = ?::jsonb WHERE session_id = ? AND uuid = ?",
          updates);
    }
  }

  private Object[] row(SessionCreated c, SessionUpdated latest) {
    return new Object[] {
      c.sessionId(),
      c.id(),
      c.uuid(),
      c.userId(),
      Timestamp.from(c.createdAt()),
      Timestamp.from(latest == null ? c.createdAt() : latest.updatedAt()),
      json(latest == null ? c.metadata() : latest.metadata())
    };
  }

  private String json(Map<String, Object> metadata) {
    return metadata == null ? null : metadataJson.write(metadata);
  }
}
