package io.zepusers.query.session;

import io.zepusers.api.SessionView;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.web.Paging;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Reads of the sessions read model. */
@Component
class SessionQueries {

  private static final String COLUMNS = "uuid, id, created_at, updated_at, session_id, metadata::text, user_id";
  private static final int STREAM_FETCH_SIZE = 500;

  private final JdbcTemplate jdbc;
  private final MetadataJson metadataJson;

  SessionQueries(JdbcTemplate jdbc, MetadataJson metadataJson) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
  }

  Optional<SessionView> find(String sessionId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM sessions WHERE session_id = ?", this::toView, sessionId).stream().findFirst();
  }

  /** A user's sessions in creation order; none for an unknown user. */
  List<SessionView> ofUser(String userId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM sessions WHERE user_id = ? ORDER BY id", this::toView, userId);
  }

  /** Keyset page in id order through a server-side cursor (see UserQueries#forEach). */
  @Transactional(readOnly = true)
  public void forEach(Paging paging, Consumer<SessionView> sink) {
    JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
    streaming.setFetchSize(STREAM_FETCH_SIZE);
    String sql = "SELECT " + COLUMNS + " FROM sessions WHERE id > ? ORDER BY id";
    if (paging.unlimited()) {
      streaming.query(sql, rs -> { sink.accept(toView(rs, 0)); }, paging.cursor());
    } else {
      streaming.query(sql + " LIMIT ?", rs -> { sink.accept(toView(rs, 0)); }, paging.cursor(), paging.limit());
    }
  }

  private SessionView toView(ResultSet rs, int row) throws SQLException {
    return SessionView.of(
        rs.getObject(1, UUID.class),
        rs.getLong(2),
        rs.getTimestamp(3).toInstant(),
        rs.getTimestamp(4).toInstant(),
        rs.getString(5),
        metadataJson.read(rs.getString(6)),
        rs.getString(7));
  }
}
