package io.zepusers.command.session;

import io.zepusers.command.StubDirectory;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionDeleted.Reason;
import io.zepusers.events.SessionUpdated;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionAggregateTest {

  private static final Instant T0 = Instant.parse("2024-01-02T03:04:05.123456Z");
  private static final Instant NOW = Instant.parse("2024-02-01T00:00:00Z");
  private static final UUID FIRST = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID NEXT = UUID.fromString("00000000-0000-0000-0000-00000000000b");

  private FixtureConfiguration<SessionAggregate> fixture;
  private final StubDirectory directory = new StubDirectory().withUser("alice");

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(SessionAggregate.class);
    fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    fixture.registerInjectableResource(directory);
    fixture.registerInjectableResource(
        new SessionIdentities() {
          @Override
          public UUID newUuid() {
            return NEXT;
          }

          @Override
          public long nextPagingId() {
            return 9;
          }
        });
  }

  private static SessionCreated created() {
    return new SessionCreated("s1", FIRST, 3, "alice", Map.of("a", Map.of("b", 1)), T0);
  }

  @Test
  void createForAnExistingUser() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSession("s1", "alice", Map.of("k", "v")))
        .expectEvents(new SessionCreated("s1", NEXT, 9, "alice", Map.of("k", "v"), NOW))
        .expectResultMessagePayload(
            new SessionState(NEXT, 9, NOW, NOW, "s1", Map.of("k", "v"), "alice"));
  }

  @Test
  void createWithoutAUser() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSession("s1", null, null))
        .expectEvents(new SessionCreated("s1", NEXT, 9, null, null, NOW));
  }

  @Test
  void createForAnUnknownUserIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSession("s1", "nobody", null))
        .expectException(UnknownUserException.class)
        .expectExceptionMessage("user does not exist with user_id: nobody")
        .expectNoEvents();
  }

  @Test
  void createOfAnExistingOrDeletedSessionIsADuplicate() {
    fixture
        .given(created())
        .when(new CreateSession("s1", null, null))
        .expectException(SessionAlreadyExistsException.class);
    fixture
        .given(created(), new SessionDeleted("s1", FIRST, "alice", Reason.DELETED, T0))
        .when(new CreateSession("s1", null, null))
        .expectException(SessionAlreadyExistsException.class)
        .expectExceptionMessage("session already exists with session_id: s1");
  }

  @Test
  void aSessionThatWentWithItsUserCanBeCreatedAgain() {
    fixture
        .given(created(), new SessionDeleted("s1", FIRST, "alice", Reason.USER_DELETED, T0))
        .when(new CreateSession("s1", null, null))
        .expectEvents(new SessionCreated("s1", NEXT, 9, null, null, NOW));
  }

  @Test
  void updateDeepMergesAndDropsTheSystemKey() {
    fixture
        .given(created())
        .when(
            new UpdateSession(
                "s1", Map.of("a", Map.of("c", 2), "system", Map.of("x", 1), "l", List.of(1))))
        .expectEvents(
            new SessionUpdated(
                "s1", FIRST, "alice", Map.of("a", Map.of("b", 1, "c", 2), "l", List.of(1)), NOW));
  }

  @Test
  void updateWithoutMetadataOnlyMovesUpdatedAt() {
    fixture
        .given(created())
        .when(new UpdateSession("s1", Map.of()))
        .expectEvents(new SessionUpdated("s1", FIRST, "alice", Map.of("a", Map.of("b", 1)), NOW));
  }

  @Test
  void deletedSessionsAreNotFoundForUpdateAndDelete() {
    SessionDeleted deleted = new SessionDeleted("s1", FIRST, "alice", Reason.DELETED, T0);
    fixture
        .given(created(), deleted)
        .when(new UpdateSession("s1", null))
        .expectException(SessionNotFoundException.class);
    fixture
        .given(created(), deleted)
        .when(new DeleteSession("s1"))
        .expectException(SessionNotFoundException.class);
  }

  @Test
  void deleteIsSoft() {
    fixture
        .given(created())
        .when(new DeleteSession("s1"))
        .expectEvents(new SessionDeleted("s1", FIRST, "alice", Reason.DELETED, NOW))
        .expectNotMarkedDeleted();
  }

  @Test
  void removalWithTheUserCoversActiveAndSoftDeletedSessionsOnce() {
    fixture
        .given(created())
        .when(new RemoveSessionOfDeletedUser("s1"))
        .expectEvents(new SessionDeleted("s1", FIRST, "alice", Reason.USER_DELETED, NOW));
    fixture
        .given(created(), new SessionDeleted("s1", FIRST, "alice", Reason.DELETED, T0))
        .when(new RemoveSessionOfDeletedUser("s1"))
        .expectEvents(new SessionDeleted("s1", FIRST, "alice", Reason.USER_DELETED, NOW));
    fixture
        .given(created(), new SessionDeleted("s1", FIRST, "alice", Reason.USER_DELETED, T0))
        .when(new RemoveSessionOfDeletedUser("s1"))
        .expectNoEvents();
  }
}
