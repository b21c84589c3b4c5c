package io.zepusers.query.audit;

import io.zepusers.events.EventJson;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserDeleted;
import io.zepusers.query.projection.CopyRows;
import io.zepusers.query.projection.Projection;
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

  private static final String COLUMNS =
      "subject, aggregate_id, sequence, event_id, type, time, data, correlation_id, actor";

  private final JdbcTemplate jdbc;

  AuditProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Appends with {@code COPY}: the applier hands over each (aggregate, sequence) once, so the trail
   * never holds an event's row already (its unique key would refuse the copy if it did).
   */
  @Override
  public void apply(List<PublishedEvent> events) {
    CopyRows rows = new CopyRows("audit_events", COLUMNS);
    for (PublishedEvent event : events) {
      rows.text(event.subject())
          .text(event.aggregateId())
          .number(event.sequence())
          .text(event.id())
          .text(event.type())
          .timestamp(event.data().occurredAt())
          .utf8(EventJson.toBytes(event.data()))
          .text(event.correlationId())
          .text(event.actor())
          .endRow();
      if (event.data() instanceof UserDeleted deleted) {
        // what came before the delete is erased; what the batch adds after it (a new incarnation)
        // is not
        rows.copyWith(jdbc);
        erasePersonalData(deleted);
      }
    }
    rows.copyWith(jdbc);
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
