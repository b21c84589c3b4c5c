package io.zepusers.command.directory;

import io.zepusers.command.eventstore.ProcessingGroups;
import io.zepusers.command.personaldata.PersonalDataKeys;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the directory tables; a subscribing processor, so it runs in the transaction that stores
 * the events.
 */
@Component
@ProcessingGroup(ProcessingGroups.DIRECTORY)
class DirectoryUpdater {

  private final JdbcTemplate jdbc;
  private final PersonalDataKeys personalDataKeys;

  DirectoryUpdater(JdbcTemplate jdbc, PersonalDataKeys personalDataKeys) {
    this.jdbc = jdbc;
    this.personalDataKeys = personalDataKeys;
  }

  @EventHandler
  void on(UserCreated event) {
    jdbc.update(
        "INSERT INTO user_directory (user_id, active) VALUES (?, true) ON CONFLICT (user_id) DO UPDATE SET active = true",
        event.userId());
  }

  /**
   * In the transaction that stores the delete: from its commit on, the user's personal data is
   * unreadable.
   */
  @EventHandler
  void on(UserDeleted event) {
    jdbc.update("UPDATE user_directory SET active = false WHERE user_id = ?", event.userId());
    personalDataKeys.destroy(event.userId());
  }

  @EventHandler
  void on(SessionCreated event) {
    jdbc.update(
        "INSERT INTO session_directory (session_id, user_id, removed) VALUES (?, ?, false) "
            + "ON CONFLICT (session_id) DO UPDATE SET user_id = EXCLUDED.user_id, removed = false",
        event.sessionId(),
        event.userId());
  }

  @EventHandler
  void on(SessionDeleted event) {
    if (event.reason() == SessionDeleted.Reason.USER_DELETED) {
      jdbc.update(
          "UPDATE session_directory SET removed = true WHERE session_id = ?", event.sessionId());
    }
  }
}
