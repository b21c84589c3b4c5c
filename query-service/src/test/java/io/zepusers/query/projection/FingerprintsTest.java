package io.zepusers.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.UserCreated;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A re-published event matches what was applied, even after a delete erased its personal data;
 * another does not.
 */
class FingerprintsTest {

  static final Instant T = Instant.parse("2024-01-02T03:04:05Z");
  static final UUID UUID_1 = UUID.randomUUID();

  @Test
  void theSameEventAgainMatchesAlsoWithItsPersonalDataErased() {
    PublishedEvent original =
        user("e1", new UserCreated("ada", UUID_1, 7, "ada@x.io", "Ada", "L", Map.of("k", "v"), T));
    PublishedEvent erased =
        user("e1", new UserCreated("ada", UUID_1, 7, null, null, null, null, T));
    assertThat(Fingerprints.of(original)).isEqualTo(Fingerprints.of(user("e1", original.data())));
    assertThat(Fingerprints.of(erased)).isEqualTo(Fingerprints.of(original));

    PublishedEvent session =
        user("e2", new SessionCreated("s", UUID_1, 8, "ada", Map.of("topic", "private"), T));
    assertThat(Fingerprints.of(user("e2", new SessionCreated("s", UUID_1, 8, "ada", null, T))))
        .isEqualTo(Fingerprints.of(session));
  }

  @Test
  void anotherEventOrOtherContentDoesNot() {
    PublishedEvent original =
        user("e1", new UserCreated("ada", UUID_1, 7, "ada@x.io", null, null, null, T));
    assertThat(Fingerprints.of(user("e2", original.data())))
        .isNotEqualTo(Fingerprints.of(original));
    assertThat(
            Fingerprints.of(
                user("e1", new UserCreated("ada", UUID_1, 8, "ada@x.io", null, null, null, T))))
        .isNotEqualTo(Fingerprints.of(original));
    assertThat(
            Fingerprints.of(
                user(
                    "e1",
                    new UserCreated("ada", UUID.randomUUID(), 7, "ada@x.io", null, null, null, T))))
        .isNotEqualTo(Fingerprints.of(original));
  }

  private static PublishedEvent user(String eventId, io.zepusers.events.ZepEvent data) {
    return new PublishedEvent(eventId, T, data.subject(), 0, data);
  }
}
