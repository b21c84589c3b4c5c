package io.zepusers.command.session;

import io.zepusers.command.directory.Directory;
import io.zepusers.command.eventstore.ProcessingGroups;
import io.zepusers.command.eventstore.SessionStream;
import io.zepusers.events.UserDeleted;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

/**
 * A user's sessions go with it (as in Zep), in the transaction that deletes the user: a subscribing
 * processor runs while the delete is committed. The directory lock keeps a concurrent session
 * create from slipping in between listing the sessions and committing, so no session of a deleted
 * user is left behind.
 *
 * <p>Each session is loaded from its own repository and handed its {@link
 * RemoveSessionOfDeletedUser} directly: no command is dispatched from inside another, so this does
 * not depend on a local command bus.
 */
@Component
@ProcessingGroup(ProcessingGroups.SESSIONS_OF_DELETED_USERS)
class SessionsGoWithTheirUser {

  private final Directory directory;
  private final Repository<SessionAggregate> sessions;

  SessionsGoWithTheirUser(Directory directory, Repository<SessionAggregate> sessions) {
    this.directory = directory;
    this.sessions = sessions;
  }

  @EventHandler
  void on(UserDeleted event) throws Exception {
    for (String sessionId : directory.lockUserAndListSessions(event.userId())) {
      sessions
          .load(SessionStream.of(sessionId))
          .handle(
              GenericCommandMessage.asCommandMessage(new RemoveSessionOfDeletedUser(sessionId)));
    }
  }
}
