package io.zepusers.query.audit;

import io.zepusers.events.EventJson;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserDeleted;
import io.zepusers.query.projection.Projection;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps every event for auditors, in topic order. When a user is deleted, its personal data (email,
 * names, metadata, and the metadata of its sessions) is removed from its past events: the trail
 * keeps that the user existed, what happened and when, but no API answer shows a deleted user's
 * personal data again.
 */
@Component
class AuditProjection implements Projection {

  private static final String INSERT =
      "INSERT INTO audit_events (subject, aggregate_id, sequence, event_id, type, time, data, correlation_id, actor) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (aggregate_id, sequence) DO NOTHING";

  private final JdbcTemplate jdbc;

  AuditProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void apply(List<PublishedEvent> events) {
    List<Object[]> pending = new ArrayList<>(events.size());
    for (PublishedEvent event : events) {
      pending.add(
          new Object[] {
            event.subject(),
            event.aggregateId(),
            event.sequence(),
            event.id(),
            event.type(),
            Timestamp.from(event.data().occurredAt()),
            new String(EventJson.toBytes(event.data()), StandardCharsets.UTF_8),
            event.correlationId(),
            event.actor()
          });
      if (event.data() instanceof UserDeleted deleted) {
        // what came before the delete is erased; what the batch adds after it (a new incarnation)
        // is not
        flush(pending);
        erasePersonalData(deleted);
      }
    }
    flush(pending);
  }

  private void flush(List<Object[]> pending) {
    if (!pending.isEmpty()) {
      jdbc.batchUpdate(INSERT, pending);
      pending.clear();
    }
  }

  private void erasePersonalData(UserDeleted deleted) {
    jdbc.update(
        "UPDATE audit_events SET data = data - 'email' - 'first_name' - 'last_name' - 'metadata', erased = true "
            + "WHERE subject = ? AND type LIKE 'user.%' AND data->>'uuid' = ?",
        deleted.userId(), deleted.uuid().toString());
    jdbc.update(
        "UPDATE audit_events SET data = data - 'metadata', erased = true WHERE subject = ? AND type LIKE 'session.%'",
        deleted.userId());
  }
}
