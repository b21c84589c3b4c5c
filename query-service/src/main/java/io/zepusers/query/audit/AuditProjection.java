package io.zepusers.query.audit;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserDeleted;
import io.zepusers.query.projection.Projection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the audit trail free of deleted users' personal data. The trail holds every event in topic
 * order (the {@link io.zepusers.query.projection.EventApplier} appends each applied event's row
 * before any projection runs). When a user is deleted, its personal data (email, names, metadata,
 * and the metadata of its sessions) is removed from the events up to its delete: the trail keeps
 * that the user existed, what happened and when, but no API answer shows a deleted user's personal
 * data again. What comes after the delete (a user re-created under the same id) is not touched.
 */
@Component
class AuditProjection implements Projection {

  private final JdbcTemplate jdbc;

  AuditProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void apply(List<PublishedEvent> events) {
    for (PublishedEvent event : events) {
      if (event.data() instanceof UserDeleted deleted) {
        erasePersonalData(event, deleted);
      }
    }
  }

  private void erasePersonalData(PublishedEvent delete, UserDeleted deleted) {
    String upToTheDelete =
        "position <= (SELECT position FROM audit_events WHERE aggregate_id = ? AND sequence = ?)";
    jdbc.update(
        "UPDATE audit_events SET data = (data::jsonb - 'email' - 'first_name' - 'last_name' - 'metadata')::json, erased = true "
            + "WHERE subject = ? AND type LIKE 'user.%' AND data->>'uuid' = ? AND "
            + upToTheDelete,
        deleted.userId(),
        deleted.uuid().toString(),
        delete.aggregateId(),
        delete.sequence());
    jdbc.update(
        "UPDATE audit_events SET data = (data::jsonb - 'metadata')::json, erased = true "
            + "WHERE subject = ? AND type LIKE 'session.%' AND "
            + upToTheDelete,
        deleted.userId(),
        delete.aggregateId(),
        delete.sequence());
  }
}
