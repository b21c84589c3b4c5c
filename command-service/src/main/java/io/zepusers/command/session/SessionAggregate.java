package io.zepusers.command.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.zepusers.api.ZepTime;
import io.zepusers.command.directory.Directory;
import io.zepusers.command.eventstore.SessionStream;
import io.zepusers.command.metadata.Metadata;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionDeleted.Reason;
import io.zepusers.events.SessionUpdated;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One stream per {@code session_id}, named {@link SessionStream} so it never meets a user's. As in
 * Zep, a deleted session's id stays taken, unless the session went with its user (Zep removed those
 * rows), in which case a later create continues the stream with a new identity.
 */
@Aggregate
class SessionAggregate {

  private enum Status {
    NEW,
    ACTIVE,
    DELETED,
    REMOVED_WITH_USER
  }

  @AggregateIdentifier private String stream;
  private String sessionId;
  private Status status = Status.NEW;
  private UUID uuid;
  private long id;
  private String userId;
  private Instant createdAt;
  private Instant updatedAt;
  private Map<String, Object> metadata;

  protected SessionAggregate() {
    // for Axon
  }

  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public SessionState handle(
      CreateSession command, SessionIdentities identities, Directory directory, Clock clock) {
    if (status == Status.ACTIVE || status == Status.DELETED) {
      throw new SessionAlreadyExistsException(command.sessionId());
    }
    if (command.userId() != null && !directory.lockExistingUser(command.userId())) {
      throw new UnknownUserException(command.userId());
    }
    Metadata.requireStorableSize(command.metadata(), false);
    apply(
        new SessionCreated(
            command.sessionId(),
            identities.newUuid(),
            identities.nextPagingId(),
            command.userId(),
            command.metadata() == null ? null : Metadata.copy(command.metadata()),
            ZepTime.truncate(clock.instant())));
    return state();
  }

  @CommandHandler
  public SessionState handle(UpdateSession command, Clock clock) {
    requireActive();
    Map<String, Object> merged = metadata;
    if (command.metadata() != null) {
      Map<String, Object> patch = Metadata.copy(command.metadata());
      patch.remove(
          "system"); // only privileged callers may set it (Zep); callers of this API are not
      if (!patch.isEmpty()) {
        merged = Metadata.merge(metadata, patch);
        Metadata.requireStorableSize(merged, true);
      }
    }
    apply(new SessionUpdated(sessionId, uuid, userId, merged, ZepTime.truncate(clock.instant())));
    return state();
  }

  @CommandHandler
  public void handle(DeleteSession command, Clock clock) {
    requireActive();
    apply(
        new SessionDeleted(
            sessionId, uuid, userId, Reason.DELETED, ZepTime.truncate(clock.instant())));
  }

  @CommandHandler
  public void handle(RemoveSessionOfDeletedUser command, Clock clock) {
    if (status == Status.ACTIVE || status == Status.DELETED) {
      apply(
          new SessionDeleted(
              sessionId, uuid, userId, Reason.USER_DELETED, ZepTime.truncate(clock.instant())));
    }
  }

  @EventSourcingHandler
  void on(SessionCreated event) {
    sessionId = event.sessionId();
    stream = SessionStream.of(sessionId);
    status = Status.ACTIVE;
    uuid = event.uuid();
    id = event.id();
    userId = event.userId();
    createdAt = event.createdAt();
    updatedAt = event.createdAt();
    metadata = event.metadata();
  }

  @EventSourcingHandler
  void on(SessionUpdated event) {
    updatedAt = event.updatedAt();
    metadata = event.metadata();
  }

  @EventSourcingHandler
  void on(SessionDeleted event) {
    status = event.reason() == Reason.USER_DELETED ? Status.REMOVED_WITH_USER : Status.DELETED;
  }

  private void requireActive() {
    if (status != Status.ACTIVE) {
      throw new SessionNotFoundException(sessionId);
    }
  }

  private SessionState state() {
    return new SessionState(
        uuid,
        id,
        createdAt,
        updatedAt,
        sessionId,
        metadata == null ? null : Metadata.copy(metadata),
        userId);
  }
}
