package io.zepusers.query.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import io.zepusers.query.user.UsersProjection.Write;
import io.zepusers.query.user.UsersProjection.Write.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A batch of events comes to one write per user (UsersProjection.fold). */
class UsersProjectionFoldTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final UUID FIRST = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final UUID SECOND = UUID.fromString("00000000-0000-0000-0000-000000000002");

  private static final UserCreated ALICE =
      new UserCreated("alice", FIRST, 1, "a@x.io", "Alice", null, null, T0);
  private static final UserUpdated RENAMED =
      new UserUpdated("alice", FIRST, "a@x.io", "Al", null, Map.of("k", 1), T0.plusSeconds(1));
  private static final UserUpdated MOVED =
      new UserUpdated("alice", FIRST, "al@x.io", "Al", null, Map.of("k", 1), T0.plusSeconds(2));
  private static final UserDeleted GONE = new UserDeleted("alice", FIRST, T0.plusSeconds(3));
  private static final UserCreated AGAIN =
      new UserCreated("alice", SECOND, 9, null, null, null, null, T0.plusSeconds(4));

  @Test
  void aUserCreatedInTheBatchIsWrittenWholeWithItsLastUpdate() {
    assertThat(UsersProjection.fold(batch(ALICE, RENAMED, MOVED)))
        .containsExactly(Map.entry("alice", new Write(Kind.CREATE, FIRST, ALICE, MOVED)));
  }

  @Test
  void aUserCreatedBeforeTheBatchGetsItsLastUpdateOnly() {
    assertThat(UsersProjection.fold(batch(RENAMED, MOVED)))
        .containsExactly(Map.entry("alice", new Write(Kind.UPDATE, FIRST, null, MOVED)));
  }

  @Test
  void aDeleteWinsOverWhatCameBefore() {
    assertThat(UsersProjection.fold(batch(ALICE, RENAMED, GONE)))
        .containsExactly(Map.entry("alice", new Write(Kind.DELETE, FIRST, null, null)));
  }

  @Test
  void aCreateAfterADeleteIsANewIncarnation() {
    assertThat(UsersProjection.fold(batch(RENAMED, GONE, AGAIN)))
        .containsExactly(Map.entry("alice", new Write(Kind.CREATE, SECOND, AGAIN, null)));
  }

  @Test
  void anUpdateOfAnOldIncarnationDoesNotJoinTheNewOne() {
    UserUpdated late =
        new UserUpdated("alice", FIRST, "old@x.io", null, null, null, T0.plusSeconds(5));
    assertThat(UsersProjection.fold(batch(AGAIN, late)))
        .containsExactly(Map.entry("alice", new Write(Kind.UPDATE, FIRST, null, late)));
  }

  @Test
  void usersKeepTheOrderTheBatchFirstTouchedThem() {
    UserCreated bob = new UserCreated("bob", SECOND, 2, null, null, null, null, T0);
    assertThat(UsersProjection.fold(batch(bob, ALICE, RENAMED)).keySet())
        .containsExactly("bob", "alice");
  }

  static List<PublishedEvent> batch(ZepEvent... events) {
    return IntStream.range(0, events.length)
        .mapToObj(i -> new PublishedEvent("e" + i, T0, "agg", i, events[i]))
        .toList();
  }
}
