package io.zepusers.command.user;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
class SequenceUserIdentities implements UserIdentities {

  private final JdbcTemplate jdbc;

  SequenceUserIdentities(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public UUID newUuid() {
    return UUID.randomUUID();
  }

  @Override
  public long nextPagingId() {
    Long id = jdbc.queryForObject("SELECT nextval('user_paging_id_seq')", Long.class);
    if (id == null) {
      throw new IllegalStateException("user_paging_id_seq returned no value");
    }
    return id;
  }
}
