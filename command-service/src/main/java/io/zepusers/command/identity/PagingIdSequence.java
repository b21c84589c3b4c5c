package io.zepusers.command.identity;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * New identities from a PostgreSQL sequence (paging ids, dense and increasing) and random UUIDs.
 */
public class PagingIdSequence {

  private final JdbcTemplate jdbc;
  private final String sql;

  protected PagingIdSequence(JdbcTemplate jdbc, String sequence) {
    this.jdbc = jdbc;
    this.sql = "SELECT nextval('" + sequence + "')";
  }

  public UUID newUuid() {
    return UUID.randomUUID();
  }

  public long nextPagingId() {
    Long id = jdbc.queryForObject(sql, Long.class);
    if (id == null) {
      throw new IllegalStateException(sql + " returned no value");
    }
    return id;
  }
}
