package io.zepusers.query.web;

import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Zep's keyset pages ({@code id > cursor ORDER BY id LIMIT limit}) read through a server-side
 * cursor, so that an unlimited list is streamed and never held in memory. Call inside a
 * transaction: that is what lets PostgreSQL use a cursor.
 */
@Component
public class KeysetPages {

  private static final int FETCH_SIZE = 500;

  private final JdbcTemplate streaming;

  KeysetPages(DataSource dataSource) {
    this.streaming = new JdbcTemplate(dataSource);
    this.streaming.setFetchSize(FETCH_SIZE);
  }

  /**
   * Calls {@code sink} for each row of {@code select} (a {@code SELECT ... FROM table}) on the
   * page, in id order.
   */
  public <T> void forEach(String select, Paging paging, RowMapper<T> rows, Consumer<T> sink) {
    String sql = select + " WHERE id > ? ORDER BY id";
    if (paging.unlimited()) {
      streaming.query(
          sql,
          rs -> {
            sink.accept(rows.mapRow(rs, 0));
          },
          paging.cursor());
    } else {
      streaming.query(
          sql + " LIMIT ?",
          rs -> {
            sink.accept(rows.mapRow(rs, 0));
          },
          paging.cursor(),
          paging.limit());
    }
  }
}
