package io.zepusers.command.identity;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * New identities: random UUIDs, and paging ids from a PostgreSQL sequence. Paging ids increase but
 * are not dense (a sequence is not transactional: a command that rolls back leaves its id unused);
 * lists page by keyset on them, so gaps do no harm.
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
