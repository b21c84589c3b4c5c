package io.zepusers.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.events.EventJson;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A re-published event matches what was applied, even after a delete erased its personal data;
 * another does not.
 */
class FingerprintsTest {

  static final Instant T = Instant.parse("2024-01-02T03:04:05Z");
  static final UUID UUID_1 = UUID.randomUUID();
  static final ObjectMapper JSON = EventJson.newMapper();

  @Test
  void theSameEventAgainMatchesAlsoWithItsPersonalDataErased() {
    PublishedEvent original =
        user("e1", new UserCreated("ada", UUID_1, 7, "ada@x.io", "Ada", "L", Map.of("k", "v"), T));
    PublishedEvent erased =
        user("e1", new UserCreated("ada", UUID_1, 7, null, null, null, null, T));
    assertThat(fingerprint(original)).isEqualTo(fingerprint(user("e1", original.data())));
    assertThat(fingerprint(erased)).isEqualTo(fingerprint(original));

    PublishedEvent session =
        user("e2", new SessionCreated("s", UUID_1, 8, "ada", Map.of("topic", "private"), T));
    assertThat(fingerprint(user("e2", new SessionCreated("s", UUID_1, 8, "ada", null, T))))
        .isEqualTo(fingerprint(session));
  }

  @Test
  void anotherEventOrOtherContentDoesNot() {
    PublishedEvent original =
        user("e1", new UserCreated("ada", UUID_1, 7, "ada@x.io", null, null, null, T));
    assertThat(fingerprint(user("e2", original.data()))).isNotEqualTo(fingerprint(original));
    assertThat(
            fingerprint(
                user("e1", new UserCreated("ada", UUID_1, 8, "ada@x.io", null, null, null, T))))
        .isNotEqualTo(fingerprint(original));
    assertThat(
            fingerprint(
                user(
                    "e1",
                    new UserCreated("ada", UUID.randomUUID(), 7, "ada@x.io", null, null, null, T))))
        .isNotEqualTo(fingerprint(original));
  }

  /**
   * The fingerprints stored in the trail stay comparable: these are the values the algorithm gave
   * when it was first written down here (before the trail's JSON came from the same write).
   */
  @Test
  void fingerprintsAreTheOnesStoredBefore() {
    Instant t = Instant.parse("2024-01-02T03:04:05.123456Z");
    UUID u = UUID.fromString("5e0c9a3e-8f7b-4c1a-9d2e-3b4a5c6d7e8f");
    Map<String, Object> metadata = Map.of("price", new BigDecimal("1.10"));
    Map<ZepEvent, String> stored =
        Map.of(
            new UserCreated("ada", u, 7, "ada@x.io", "Ada", "L", metadata, t),
            "a7269477c07207ce9cdbb8438cf20c157658f45690bceb1a2fcd0d0418236a87",
            new SessionCreated("s", u, 8, "ada", metadata, t),
            "0146f0b88e0aca0981f4289f55b70780d6d09ae7674581ba633954063f279f4c",
            new SessionDeleted("s", u, "ada", SessionDeleted.Reason.values()[0], t),
            "a13b8730f44ce4be92e82c2751ab3359a8d7ee34ac4077027f591dd8395a9eb1");
    stored.forEach(
        (data, fingerprint) ->
            assertThat(
                    HexFormat.of()
                        .formatHex(
                            fingerprint(new PublishedEvent("e1", t, data.subject(), 3, data))))
                .as(data.toString())
                .isEqualTo(fingerprint));
  }

  /** The trail's JSON holds what the event's own JSON does, with or without personal data. */
  @ParameterizedTest
  @MethodSource("everyType")
  void theTrailsJsonIsTheEventsJson(ZepEvent data) throws Exception {
    PublishedEvent event = user("e1", data);
    assertThat(JSON.readTree(Fingerprints.of(event).json()))
        .isEqualTo(JSON.readTree(EventJson.toBytes(data)));
  }

  static Stream<ZepEvent> everyType() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("price", new BigDecimal("1.10"));
    metadata.put("nested", Map.of("list", List.of(1, "two", true)));
    metadata.put("none", null);
    return Stream.of(
        new UserCreated("ada", UUID_1, 7, "ada@x.io", "Ada", "L", metadata, T),
        new UserCreated("ada", UUID_1, 7, null, null, null, null, T),
        new UserCreated("ada", UUID_1, 7, null, "Ada", null, Map.of(), T),
        new UserUpdated("ada", UUID_1, "ada@x.io", "Ada", "L", metadata, T),
        new UserUpdated("ada", UUID_1, null, null, null, null, T),
        new UserDeleted("ada", UUID_1, T),
        new SessionCreated("s", UUID_1, 8, "ada", metadata, T),
        new SessionCreated("s", UUID_1, 8, null, null, T),
        new SessionUpdated("s", UUID_1, "ada", metadata, T),
        new SessionDeleted("s", UUID_1, "ada", SessionDeleted.Reason.values()[0], T));
  }

  private static byte[] fingerprint(PublishedEvent event) {
    return Fingerprints.of(event).fingerprint();
  }

  private static PublishedEvent user(String eventId, io.zepusers.events.ZepEvent data) {
    return new PublishedEvent(eventId, T, data.subject(), 0, data);
  }
}
