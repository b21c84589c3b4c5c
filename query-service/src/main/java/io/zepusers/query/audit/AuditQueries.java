package io.zepusers.query.audit;

import io.zepusers.api.SessionView;
import io.zepusers.api.UserView;
import io.zepusers.api.ZepTime;
import io.zepusers.events.EventJson;
import io.zepusers.events.EventTypes;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserState;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A user's history, and its state at a past moment, rebuilt from the audit trail. */
@Component
public class AuditQueries {

  private final JdbcTemplate jdbc;

  AuditQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Every event about the user, oldest first, across delete and re-create. */
  public List<AuditEntry> trail(String userId) {
    return jdbc.query(
        "SELECT type, aggregate_id, sequence, time, event_id, correlation_id, actor, erased, data::text "
            + "FROM audit_events WHERE subject = ? ORDER BY position",
        (rs, row) ->
            new AuditEntry(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                ZepTime.format(rs.getTimestamp(4).toInstant()),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getBoolean(8),
                rs.getString(9)),
        userId);
  }

  /** The user as it was at {@code asOf}; empty when it did not exist then. */
  public Optional<UserView> userAsOf(String userId, Instant asOf) {
    UserState user = null;
    for (ZepEvent event : events("aggregate_id = ? AND type LIKE 'user.%'", userId, asOf)) {
      if (event instanceof UserCreated e) {
        user = UserState.created(e);
      } else if (event instanceof UserUpdated e && user != null) {
        user = user.updated(e);
      } else if (event instanceof UserDeleted) {
        user = null;
      }
    }
    return Optional.ofNullable(user)
        .map(
            u ->
                UserView.of(
                    u.uuid(),
                    u.id(),
                    u.createdAt(),
                    u.updatedAt(),
                    u.userId(),
                    u.email(),
                    u.firstName(),
                    u.lastName(),
                    u.metadata()));
  }

  /** The user's sessions as they were at {@code asOf}, in creation order. */
  public List<SessionView> sessionsAsOf(String userId, Instant asOf) {
    Map<String, SessionView> sessions = new LinkedHashMap<>();
    for (ZepEvent event : events("subject = ? AND type LIKE 'session.%'", userId, asOf)) {
      if (event instanceof SessionCreated e && userId.equals(e.userId())) {
        sessions.put(
            e.sessionId(),
            SessionView.of(
                e.uuid(),
                e.id(),
                e.createdAt(),
                e.createdAt(),
                e.sessionId(),
                e.metadata(),
                e.userId()));
      } else if (event instanceof SessionUpdated e && sessions.containsKey(e.sessionId())) {
        SessionView s = sessions.get(e.sessionId());
        sessions.put(
            e.sessionId(),
            new SessionView(
                s.uuid(),
                s.id(),
                s.createdAt(),
                ZepTime.format(e.updatedAt()),
                s.sessionId(),
                e.metadata(),
                s.userId()));
      } else if (event instanceof SessionDeleted e) {
        sessions.remove(e.sessionId());
      }
    }
    List<SessionView> inCreationOrder = new ArrayList<>(sessions.values());
    inCreationOrder.sort((a, b) -> Long.compare(a.id(), b.id()));
    return inCreationOrder;
  }

  private List<ZepEvent> events(String where, String id, Instant asOf) {
    return jdbc.query(
        "SELECT type, data::text FROM audit_events WHERE "
            + where
            + " AND time <= ? ORDER BY position",
        (rs, row) -> {
          Class<? extends ZepEvent> type = EventTypes.classOf(rs.getString(1)).orElseThrow();
          return EventJson.fromBytes(rs.getString(2).getBytes(StandardCharsets.UTF_8), type);
        },
        id,
        Timestamp.from(asOf));
  }
}
