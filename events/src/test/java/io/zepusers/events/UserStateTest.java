package io.zepusers.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UserStateTest {

  private static final UUID UUID_1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2024-01-02T00:00:00Z");

  @Test
  void aCreateStartsTheUserAndAnUpdateReplacesAllButItsIdentity() {
    UserState created =
        UserState.created(
            new UserCreated("alice", UUID_1, 7, "a@x.io", "Alice", null, Map.of("a", 1), T0));
    assertThat(created)
        .isEqualTo(
            new UserState(UUID_1, 7, T0, T0, "alice", "a@x.io", "Alice", null, Map.of("a", 1)));

    UserState updated =
        created.updated(new UserUpdated("alice", UUID_1, null, "Al", "Smith", null, T1));
    assertThat(updated)
        .isEqualTo(new UserState(UUID_1, 7, T0, T1, "alice", null, "Al", "Smith", null));
  }
}
