package io.zepusers.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shape outside subscribers depend on. If one of these fails, the producer changed the wire
 * format: make the change additive (or a new type), then update the example in {@code
 * src/test/resources/contract}.
 */
class EventContractTest {

  private static final UUID UUID_1 = UUID.fromString("6f0c2a52-7d5e-4a8e-9d43-0b8f3c1f2e11");
  private static final ObjectMapper TREE = new ObjectMapper();

  static final UserCreated CREATED =
      new UserCreated(
          "alice",
          UUID_1,
          7,
          "alice@example.com",
          "Alice",
          "Liddell",
          map(
              "plan",
              map("tier", "pro", "seats", 3),
              "tags",
              List.of("a", "b"),
              "ratio",
              new BigDecimal("1.10")),
          Instant.parse("2024-01-02T03:04:05.123456Z"));
  static final UserUpdated UPDATED =
      new UserUpdated(
          "alice",
          UUID_1,
          "alice@example.com",
          "Alicia",
          null,
          map("plan", map("tier", "team", "seats", 3)),
          Instant.parse("2024-01-03T00:00:00Z"));
  static final UserDeleted DELETED =
      new UserDeleted("alice", UUID_1, Instant.parse("2024-01-04T10:00:00.5Z"));

  private static final UUID SESSION_UUID = UUID.fromString("0b6f4c1e-2f0a-4b7e-9a51-3c2d1e0f9a88");
  static final SessionCreated SESSION_CREATED =
      new SessionCreated(
          "s-1",
          SESSION_UUID,
          12,
          "alice",
          map("channel", "web"),
          Instant.parse("2024-01-02T03:04:05.123456Z"));
  static final SessionUpdated SESSION_UPDATED =
      new SessionUpdated(
          "s-1",
          SESSION_UUID,
          "alice",
          map("channel", "web", "topic", "billing"),
          Instant.parse("2024-01-03T00:00:00Z"));
  static final SessionDeleted SESSION_DELETED =
      new SessionDeleted(
          "s-1",
          SESSION_UUID,
          "alice",
          SessionDeleted.Reason.USER_DELETED,
          Instant.parse("2024-01-04T10:00:00.5Z"));

  @Test
  void userCreatedHasTheDocumentedShape() throws IOException {
    assertThat(tree(EventJson.toBytes(CREATED))).isEqualTo(example("user.created"));
    assertThat(EventJson.fromBytes(bytes("user.created"), UserCreated.class)).isEqualTo(CREATED);
  }

  @Test
  void userUpdatedHasTheDocumentedShape() throws IOException {
    assertThat(tree(EventJson.toBytes(UPDATED))).isEqualTo(example("user.updated"));
    assertThat(EventJson.fromBytes(bytes("user.updated"), UserUpdated.class)).isEqualTo(UPDATED);
  }

  @Test
  void userDeletedHasTheDocumentedShape() throws IOException {
    assertThat(tree(EventJson.toBytes(DELETED))).isEqualTo(example("user.deleted"));
    assertThat(EventJson.fromBytes(bytes("user.deleted"), UserDeleted.class)).isEqualTo(DELETED);
  }

  @Test
  void sessionEventsHaveTheDocumentedShape() throws IOException {
    assertThat(tree(EventJson.toBytes(SESSION_CREATED))).isEqualTo(example("session.created"));
    assertThat(tree(EventJson.toBytes(SESSION_UPDATED))).isEqualTo(example("session.updated"));
    assertThat(tree(EventJson.toBytes(SESSION_DELETED))).isEqualTo(example("session.deleted"));
    assertThat(EventJson.fromBytes(bytes("session.created"), SessionCreated.class))
        .isEqualTo(SESSION_CREATED);
    assertThat(EventJson.fromBytes(bytes("session.updated"), SessionUpdated.class))
        .isEqualTo(SESSION_UPDATED);
    assertThat(EventJson.fromBytes(bytes("session.deleted"), SessionDeleted.class))
        .isEqualTo(SESSION_DELETED);
  }

  @Test
  void aSessionOfAUserIsKeyedByTheUserAndOneWithoutByItself() {
    assertThat(SESSION_CREATED.subject()).isEqualTo("alice");
    assertThat(new SessionCreated("s-2", SESSION_UUID, 13, null, null, Instant.EPOCH).subject())
        .isEqualTo("s-2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "user.created",
        "user.updated",
        "user.deleted",
        "session.created",
        "session.updated",
        "session.deleted"
      })
  void typeNamesAreStable(String type) throws IOException {
    Class<? extends ZepEvent> cls = EventTypes.classOf(type).orElseThrow();
    assertThat(EventTypes.nameOf(EventJson.fromBytes(bytes(type), cls))).isEqualTo(type);
  }

  @Test
  void readersIgnoreFieldsAddedLater() {
    byte[] newer =
        "{\"user_id\":\"alice\",\"uuid\":\"6f0c2a52-7d5e-4a8e-9d43-0b8f3c1f2e11\",\"deleted_at\":\"2024-01-04T10:00:00.5Z\",\"reason\":\"gdpr\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(EventJson.fromBytes(newer, UserDeleted.class)).isEqualTo(DELETED);
  }

  @Test
  void kafkaRecordIsABinaryModeCloudEvent() {
    PublishedEvent event = new PublishedEvent("evt-1", CREATED.createdAt(), "alice", 4, CREATED);
    ProducerRecord<String, byte[]> record = CloudEventsKafka.toRecord("zep.events", event);

    assertThat(record.key()).isEqualTo("alice");
    assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
    assertThat(header(record, "ce_id")).isEqualTo("evt-1");
    assertThat(header(record, "ce_type")).isEqualTo("user.created");
    assertThat(header(record, "ce_subject")).isEqualTo("alice");
    assertThat(header(record, "ce_time")).isEqualTo("2024-01-02T03:04:05.123456Z");
    assertThat(header(record, "ce_source")).isEqualTo("/zep-users/command-service");
    assertThat(header(record, "ce_aggregateid")).isEqualTo("alice");
    assertThat(header(record, "ce_sequence")).isEqualTo("4");
    assertThat(header(record, "content-type")).isEqualTo("application/json");

    assertThat(CloudEventsKafka.fromRecord(consumed(record))).isEqualTo(event);
    assertThat(record.headers().lastHeader("ce_correlationid")).isNull();
  }

  @Test
  void provenanceTravelsAsExtensionAttributes() {
    PublishedEvent event =
        new PublishedEvent(
            "evt-2", CREATED.createdAt(), "alice", 0, CREATED, "req-42", "ops@example.com");
    ProducerRecord<String, byte[]> record = CloudEventsKafka.toRecord("zep.events", event);
    assertThat(header(record, "ce_correlationid")).isEqualTo("req-42");
    assertThat(header(record, "ce_actor")).isEqualTo("ops@example.com");
    assertThat(CloudEventsKafka.fromRecord(consumed(record))).isEqualTo(event);
  }

  @Test
  void foreignRecordsAreRejectedWithAReason() {
    ProducerRecord<String, byte[]> record =
        CloudEventsKafka.toRecord(
            "t", new PublishedEvent("e", DELETED.deletedAt(), "alice", 1, DELETED));
    record.headers().remove("ce_type");
    record.headers().add("ce_type", "user.exploded".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> CloudEventsKafka.fromRecord(consumed(record)))
        .isInstanceOf(CloudEventsKafka.UndecodableRecordException.class)
        .hasMessage("unknown ce_type user.exploded");

    ProducerRecord<String, byte[]> garbage =
        new ProducerRecord<>(
            "t", null, 0L, "k", "{not json".getBytes(StandardCharsets.UTF_8), record.headers());
    garbage.headers().remove("ce_type");
    garbage.headers().add("ce_type", "user.deleted".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> CloudEventsKafka.fromRecord(consumed(garbage)))
        .isInstanceOf(CloudEventsKafka.UndecodableRecordException.class)
        .hasMessageStartingWith("data is not a valid user.deleted");
  }

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    ConsumerRecord<String, byte[]> c = new ConsumerRecord<>(r.topic(), 0, 0L, r.key(), r.value());
    r.headers().forEach(h -> c.headers().add(h));
    return c;
  }

  private static String header(ProducerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static JsonNode tree(byte[] json) throws IOException {
    return TREE.readTree(json);
  }

  private static JsonNode example(String type) throws IOException {
    return TREE.readTree(bytes(type));
  }

  private static byte[] bytes(String type) throws IOException {
    try (InputStream in =
        EventContractTest.class.getResourceAsStream("/contract/" + type + ".json")) {
      return in.readAllBytes();
    }
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
