package io.zepusers.query.user;

import io.zepusers.api.UserView;
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

/** Reads of the users read model. */
@Component
class UserQueries {

  private static final String COLUMNS =
      "uuid, id, created_at, updated_at, user_id, email, first_name, last_name, metadata::text";

  private final JdbcTemplate jdbc;
  private final KeysetPages pages;
  private final MetadataJson metadataJson;

  UserQueries(JdbcTemplate jdbc, MetadataJson metadataJson, KeysetPages pages) {
    this.jdbc = jdbc;
    this.metadataJson = metadataJson;
    this.pages = pages;
  }

  Optional<UserView> find(String userId) {
    List<UserView> found =
        jdbc.query("SELECT " + COLUMNS + " FROM users WHERE user_id = ?", this::toView, userId);
    return found.stream().findFirst();
  }

  /**
   * The page in id order, streamed to {@code sink}; the transaction lets PostgreSQL use a cursor.
   */
  @Transactional(readOnly = true)
  public void forEach(Paging paging, Consumer<UserView> sink) {
    pages.forEach("SELECT " + COLUMNS + " FROM users", paging, this::toView, sink);
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
