package io.zepusers.command.session;

import io.zepusers.command.identity.PagingIdSequence;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
class SequenceSessionIdentities extends PagingIdSequence implements SessionIdentities {

  SequenceSessionIdentities(JdbcTemplate jdbc) {
    super(jdbc, "session_paging_id_seq");
  }
}
