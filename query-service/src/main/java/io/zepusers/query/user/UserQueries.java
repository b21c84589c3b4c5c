package io.zepusers.query.user;

import io.zepusers.api.UserView;
import io.zepusers.query.json.MetadataJson;
import io.zepusers.query.web.Paging;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Reads of the users read model. */
@Component
class UserQueries {

  private static final String COLUMNS = "uuid, id, created_at, updated_at, user_id, email, first_name, last_name, metadata::text";
  private static final int STREAM_FETCH_SIZE = 500;

  private final JdbcTemplate jdbc;
  private final MetadataJson metadataJson;
  private final RowMapper<UserView> rowMapper = this::toView;

  UserQueries(JdbcTemplate jdbc, MetadataJson metadataJson) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
  }

  Optional<UserView> find(String userId) {
    List<UserView> found = jdbc.query("SELECT " + COLUMNS + " FROM users WHERE user_id = ?", rowMapper, userId);
    return found.stream().findFirst();
  }

  /**
   * Calls {@code sink} for each user of the page in id order, reading through a server-side cursor, so that an
   * unlimited list is streamed and never held in memory. The transaction is what lets PostgreSQL use a cursor.
   */
  @Transactional(readOnly = true)
  public void forEach(Paging paging, Consumer<UserView> sink) {
    JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
    streaming.setFetchSize(STREAM_FETCH_SIZE);
    String sql = "SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id";
    if (paging.unlimited()) {
      streaming.query(sql, rs -> { sink.accept(toView(rs, 0)); }, paging.cursor());
    } else {
      streaming.query(sql + " LIMIT ?", rs -> { sink.accept(toView(rs, 0)); }, paging.cursor(), paging.limit());
    }
  }

  private UserView toView(ResultSet rs, int row) throws SQLException {
    return UserView.of(
        rs.getObject(1, UUID.class),
        rs.getLong(2),
        rs.getTimestamp(3).toInstant(),
        rs.getTimestamp(4).toInstant(),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        metadataJson.read(rs.getString(9)));
  }
}
