package io.zepusers.command.directory;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The directory in PostgreSQL, checked inside the command's transaction with row locks. A session
 * create takes a shared lock on its user's row; a user delete takes an exclusive lock on it before
 * listing the user's sessions. So whichever commits first, the other sees it: no session is ever
 * created for a user being deleted, and no session of a deleted user is left behind.
 */
@Component
class JdbcDirectory implements Directory {

  private final JdbcTemplate jdbc;

  JdbcDirectory(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean lockExistingUser(String userId) {
    return !jdbc.queryForList(
            "SELECT 1 FROM user_directory WHERE user_id = ? AND active FOR SHARE",
            Integer.class,
            userId)
        .isEmpty();
  }

  @Override
  public List<String> lockUserAndListSessions(String userId) {
    jdbc.queryForList(
        "SELECT 1 FROM user_directory WHERE user_id = ? FOR UPDATE", Integer.class, userId);
    return jdbc.queryForList(
        "SELECT session_id FROM session_directory WHERE user_id = ? AND NOT removed ORDER BY session_id",
        String.class,
        userId);
  }
}
