package io.zepusers.command.user;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.zepusers.api.ZepTime;
import io.zepusers.command.metadata.Metadata;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserState;
import io.zepusers.events.UserUpdated;
import java.time.Clock;
import java.util.Map;
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
  private UserState state;

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
    Map<String, Object> merged = Metadata.merge(state.metadata(), command.metadata());
    Metadata.requireStorableSize(merged, true);
    apply(
        new UserUpdated(
            userId,
            state.uuid(),
            keepIfEmpty(command.email(), state.email()),
            keepIfEmpty(command.firstName(), state.firstName()),
            keepIfEmpty(command.lastName(), state.lastName()),
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
    apply(new UserDeleted(userId, state.uuid(), ZepTime.truncate(clock.instant())));
  }

  @EventSourcingHandler
  void on(UserCreated event) {
    userId = event.userId();
    active = true;
    state = UserState.created(event);
  }

  @EventSourcingHandler
  void on(UserUpdated event) {
    state = state.updated(event);
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

  /** What create and update answer with. */
  private UserState state() {
    UserState s = state;
    return new UserState(
        s.uuid(),
        s.id(),
        s.createdAt(),
        s.updatedAt(),
        s.userId(),
        s.email(),
        s.firstName(),
        s.lastName(),
        Metadata.copy(s.metadata()));
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String keepIfEmpty(String value, String current) {
    return value == null || value.isEmpty() ? current : value;
  }
}
