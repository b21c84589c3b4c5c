package io.zepusers.command.user;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.zepusers.api.ZepTime;
import io.zepusers.command.metadata.Metadata;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
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
 * One stream per {@code user_id}, holding its whole history: a deleted user's stream stays and a
 * later create continues it (with a new uuid and paging id), so an auditor sees every incarnation
 * in one place.
 */
@Aggregate
class UserAggregate {

  @AggregateIdentifier private String userId;
  private boolean active;
  private UUID uuid;
  private long id;
  private Instant createdAt;
  private Instant updatedAt;
  private String email;
  private String firstName;
  private String lastName;
  private Map<String, Object> metadata;

  protected UserAggregate() {
    // for Axon
  }

  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public UserState handle(CreateUser command, UserIdentities identities, Clock clock) {
    if (active) {
      throw new UserAlreadyExistsException(command.userId());
    }
    Map<String, Object> initial = Metadata.copy(command.metadata());
    Metadata.requireStorableSize(initial, false);
    apply(
        new UserCreated(
            command.userId(),
            identities.newUuid(),
            identities.nextPagingId(),
            emptyToNull(command.email()),
            emptyToNull(command.firstName()),
            emptyToNull(command.lastName()),
            initial.isEmpty() ? null : initial,
            ZepTime.truncate(clock.instant())));
    return state();
  }

  @CommandHandler
  public UserState handle(UpdateUser command, Clock clock) {
    requireActive();
    Map<String, Object> merged = Metadata.merge(metadata, command.metadata());
    Metadata.requireStorableSize(merged, true);
    apply(
        new UserUpdated(
            userId,
            uuid,
            keepIfEmpty(command.email(), email),
            keepIfEmpty(command.firstName(), firstName),
            keepIfEmpty(command.lastName(), lastName),
            merged.isEmpty() ? null : merged,
            ZepTime.truncate(clock.instant())));
    return state();
  }

  /**
   * Deletes the user. Its sessions go with it, in the same transaction, by the session side's
   * handler of {@link UserDeleted} (SessionsGoWithTheirUser).
   */
  @CommandHandler
  public void handle(DeleteUser command, Clock clock) {
    requireActive();
    apply(new UserDeleted(userId, uuid, ZepTime.truncate(clock.instant())));
  }

  @EventSourcingHandler
  void on(UserCreated event) {
    userId = event.userId();
    active = true;
    uuid = event.uuid();
    id = event.id();
    createdAt = event.createdAt();
    updatedAt = event.createdAt();
    email = event.email();
    firstName = event.firstName();
    lastName = event.lastName();
    metadata = event.metadata();
  }

  @EventSourcingHandler
  void on(UserUpdated event) {
    updatedAt = event.updatedAt();
    email = event.email();
    firstName = event.firstName();
    lastName = event.lastName();
    metadata = event.metadata();
  }

  @EventSourcingHandler
  void on(UserDeleted event) {
    active = false;
  }

  private void requireActive() {
    if (!active) {
      throw new UserNotFoundException(userId);
    }
  }

  private UserState state() {
    return new UserState(
        uuid,
        id,
        createdAt,
        updatedAt,
        userId,
        email,
        firstName,
        lastName,
        Metadata.copy(metadata));
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String keepIfEmpty(String value, String current) {
    return value == null || value.isEmpty() ? current : value;
  }
}
