package io.zepusers.command.user;

import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserState;
import io.zepusers.events.UserUpdated;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserAggregateTest {

  private static final Instant T0 = Instant.parse("2024-01-02T03:04:05.123456Z");
  private static final Instant NOW = Instant.parse("2024-02-01T00:00:00.5Z");
  private static final UUID FIRST = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final UUID NEXT = UUID.fromString("00000000-0000-0000-0000-000000000002");

  private FixtureConfiguration<UserAggregate> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(UserAggregate.class);
    fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    fixture.registerInjectableResource(
        new UserIdentities() {
          @Override
          public UUID newUuid() {
            return NEXT;
          }

          @Override
          public long nextPagingId() {
            return 42;
          }
        });
  }

  private static UserCreated alice() {
    return new UserCreated(
        "alice", FIRST, 7, "a@x.io", "Alice", null, Map.of("a", Map.of("b", 1, "c", 2)), T0);
  }

  @Test
  void createDecidesUuidPagingIdAndTimestamp() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateUser("alice", "a@x.io", "Alice", "", Map.of("k", "v")))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            new UserCreated("alice", NEXT, 42, "a@x.io", "Alice", null, Map.of("k", "v"), NOW))
        .expectResultMessagePayload(
            new UserState(NEXT, 42, NOW, NOW, "alice", "a@x.io", "Alice", null, Map.of("k", "v")));
  }

  @Test
  void createWithEmptyMetadataStoresNone() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateUser("alice", null, null, null, Map.of()))
        .expectEvents(new UserCreated("alice", NEXT, 42, null, null, null, null, NOW));
  }

  @Test
  void createOfAnExistingUserIsRejected() {
    fixture
        .given(alice())
        .when(new CreateUser("alice", null, null, null, null))
        .expectException(UserAlreadyExistsException.class)
        .expectExceptionMessage("user already exists with user_id: alice")
        .expectNoEvents();
  }

  @Test
  void createAfterDeleteContinuesTheStreamWithANewIdentity() {
    fixture
        .given(alice(), new UserDeleted("alice", FIRST, T0))
        .when(new CreateUser("alice", "new@x.io", null, null, null))
        .expectEvents(new UserCreated("alice", NEXT, 42, "new@x.io", null, null, null, NOW));
  }

  @Test
  void updateKeepsOmittedAndEmptyFieldsAndDeepMergesMetadata() {
    fixture
        .given(alice())
        .when(
            new UpdateUser(
                "alice",
                "",
                null,
                "Liddell",
                Map.of("a", Map.of("c", 3, "d", 4), "tags", List.of("x"))))
        .expectEvents(
            new UserUpdated(
                "alice",
                FIRST,
                "a@x.io",
                "Alice",
                "Liddell",
                Map.of("a", Map.of("b", 1, "c", 3, "d", 4), "tags", List.of("x")),
                NOW))
        .expectResultMessagePayload(
            new UserState(
                FIRST,
                7,
                T0,
                NOW,
                "alice",
                "a@x.io",
                "Alice",
                "Liddell",
                Map.of("a", Map.of("b", 1, "c", 3, "d", 4), "tags", List.of("x"))));
  }

  @Test
  void updateWithEmptyMetadataOnlyMovesUpdatedAt() {
    fixture
        .given(alice())
        .when(new UpdateUser("alice", null, null, null, Map.of()))
        .expectEvents(
            new UserUpdated(
                "alice", FIRST, "a@x.io", "Alice", null, Map.of("a", Map.of("b", 1, "c", 2)), NOW));
  }

  @Test
  void updateOfADeletedUserIsNotFound() {
    fixture
        .given(alice(), new UserDeleted("alice", FIRST, T0))
        .when(new UpdateUser("alice", "x@y.z", null, null, null))
        .expectException(UserNotFoundException.class)
        .expectNoEvents();
  }

  @Test
  void updateOfAnUnknownUserIsNotFound() {
    fixture
        .givenNoPriorActivity()
        .when(new UpdateUser("nobody", "x@y.z", null, null, null))
        .expectException(AggregateNotFoundException.class);
  }

  @Test
  void deleteEndsTheIncarnationButKeepsTheStream() {
    fixture
        .given(alice())
        .when(new DeleteUser("alice"))
        .expectEvents(new UserDeleted("alice", FIRST, NOW))
        .expectNotMarkedDeleted();
  }

  @Test
  void secondDeleteIsNotFound() {
    fixture
        .given(alice(), new UserDeleted("alice", FIRST, T0))
        .when(new DeleteUser("alice"))
        .expectException(UserNotFoundException.class)
        .expectNoEvents();
  }
}
