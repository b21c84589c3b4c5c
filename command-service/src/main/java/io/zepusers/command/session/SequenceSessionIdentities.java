package io.zepusers.command.session;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
class SequenceSessionIdentities implements SessionIdentities {

  private final JdbcTemplate jdbc;

  SequenceSessionIdentities(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public UUID newUuid() {
    return UUID.randomUUID();
  }

  @Override
  public long nextPagingId() {
    Long id = jdbc.queryForObject("SELECT nextval('session_paging_id_seq')", Long.class);
    if (id == null) {
      throw new IllegalStateException("session_paging_id_seq returned no value");
    }
    return id;
  }
}
