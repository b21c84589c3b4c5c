package io.zepusers.command.user;

import io.zepusers.command.identity.PagingIdSequence;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
class SequenceUserIdentities extends PagingIdSequence implements UserIdentities {

  SequenceUserIdentities(JdbcTemplate jdbc) {
    super(jdbc, "user_paging_id_seq");
  }
}
