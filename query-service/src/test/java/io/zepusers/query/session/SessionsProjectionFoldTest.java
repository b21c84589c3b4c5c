package io.zepusers.query.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.ZepEvent;
import io.zepusers.query.session.SessionsProjection.Folded;
import io.zepusers.query.session.SessionsProjection.Write;
import io.zepusers.query.session.SessionsProjection.Write.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A batch of events comes to the users it deleted and one write per session. */
class SessionsProjectionFoldTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final UUID S1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final UUID S2 = UUID.fromString("00000000-0000-0000-0000-000000000002");
  private static final UUID S3 = UUID.fromString("00000000-0000-0000-0000-000000000003");

  private static final SessionCreated ONE = new SessionCreated("s1", S1, 1, "alice", null, T0);
  private static final SessionUpdated ONE_TAGGED =
      new SessionUpdated("s1", S1, "alice", Map.of("tag", "x"), T0.plusSeconds(1));
  private static final SessionCreated LOOSE = new SessionCreated("s2", S2, 2, null, null, T0);
  private static final UserDeleted ALICE_GONE =
      new UserDeleted("alice", UUID.randomUUID(), T0.plusSeconds(2));

  @Test
  void aSessionCreatedInTheBatchIsWrittenWholeWithItsLastUpdate() {
    Folded folded = SessionsProjection.fold(batch(ONE, ONE_TAGGED));
    assertThat(folded.deletedUsers()).isEmpty();
    assertThat(folded.writes())
        .containsExactly(Map.entry("s1", new Write(Kind.CREATE, S1, "alice", ONE, ONE_TAGGED)));
  }

  @Test
  void anUpdateOfASessionCreatedBeforeIsAnUpdate() {
    assertThat(SessionsProjection.fold(batch(ONE_TAGGED)).writes())
        .containsExactly(Map.entry("s1", new Write(Kind.UPDATE, S1, "alice", null, ONE_TAGGED)));
  }

  @Test
  void itsOwnDeleteWins() {
    SessionDeleted deleted =
        new SessionDeleted("s1", S1, "alice", SessionDeleted.Reason.DELETED, T0.plusSeconds(3));
    assertThat(SessionsProjection.fold(batch(ONE, ONE_TAGGED, deleted)).writes())
        .containsExactly(Map.entry("s1", new Write(Kind.DELETE, S1, "alice", null, null)));
  }

  @Test
  void aUsersDeleteTakesTheSessionsTheBatchWroteForItBeforeAndNoOthers() {
    SessionCreated later = new SessionCreated("s3", S3, 3, "alice", null, T0.plusSeconds(5));
    Folded folded = SessionsProjection.fold(batch(ONE, LOOSE, ALICE_GONE, later));
    assertThat(folded.deletedUsers()).containsExactly("alice");
    assertThat(folded.writes())
        .containsExactly(
            Map.entry("s1", new Write(Kind.DELETE, S1, "alice", null, null)),
            Map.entry("s2", new Write(Kind.CREATE, S2, null, LOOSE, null)),
            Map.entry("s3", new Write(Kind.CREATE, S3, "alice", later, null)));
  }

  private static List<PublishedEvent> batch(ZepEvent... events) {
    return IntStream.range(0, events.length)
        .mapToObj(i -> new PublishedEvent("e" + i, T0, "agg", i, events[i]))
        .toList();
  }
}
