package io.zepusers.query.session;

import io.zepusers.api.SessionView;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.web.KeysetPages;
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

  private static final String COLUMNS =
      "uuid, id, created_at, updated_at, session_id, metadata::text, user_id";

  private final JdbcTemplate jdbc;
  private final KeysetPages pages;
  private final MetadataJson metadataJson;

  SessionQueries(JdbcTemplate jdbc, MetadataJson metadataJson, KeysetPages pages) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
    this.pages = pages;
  }

  Optional<SessionView> find(String sessionId) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM sessions WHERE session_id = ?", this::toView, sessionId)
        .stream()
        .findFirst();
  }

  /** A user's sessions in creation order; none for an unknown user. */
  List<SessionView> ofUser(String userId) {
    return jdbc.query(
        "SELECT " + COLUMNS + " FROM sessions WHERE user_id = ? ORDER BY id", this::toView, userId);
  }

  /**
   * The page in id order, streamed to {@code sink}; the transaction lets PostgreSQL use a cursor.
   */
  @Transactional(readOnly = true)
  public void forEach(Paging paging, Consumer<SessionView> sink) {
    pages.forEach("SELECT " + COLUMNS + " FROM sessions", paging, this::toView, sink);
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
