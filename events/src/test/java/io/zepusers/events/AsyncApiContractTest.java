package io.zepusers.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.testinfra.EventContract;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docs/asyncapi.yaml} is the Kafka contract: it names every type the producer writes, and
 * what the producer writes, the contract fixtures and the document's own examples all follow its
 * schemas. The integration tests apply the same check to the records the services produce ({@code
 * GenerationsIT}).
 */
class AsyncApiContractTest {

  private static final ObjectMapper TREE = new ObjectMapper();
  private final EventContract contract = EventContract.get();

  static Stream<ZepEvent> events() {
    return Stream.of(
        EventContractTest.CREATED,
        EventContractTest.UPDATED,
        EventContractTest.DELETED,
        EventContractTest.SESSION_CREATED,
        EventContractTest.SESSION_UPDATED,
        EventContractTest.SESSION_DELETED);
  }

  @Test
  void theDocumentNamesEveryTypeAndTheGenerationMarker() {
    List<String> expected = new ArrayList<>(events().map(EventTypes::nameOf).toList());
    expected.add(TopicGenerations.ENDED_TYPE);
    assertThat(contract.types()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @MethodSource("events")
  void whatTheProducerWritesFollowsTheDocument(ZepEvent event) {
    PublishedEvent published =
        new PublishedEvent(
            UUID.randomUUID().toString(),
            event.occurredAt(),
            "alice",
            3,
            event,
            "req-1",
            "ops@example.com");
    assertThat(contract.problems(consumed(CloudEventsKafka.toRecord("zep.events", published))))
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("events")
  void theContractFixturesFollowTheDocument(ZepEvent event) throws IOException {
    String type = EventTypes.nameOf(event);
    JsonNode fixture;
    try (InputStream in = getClass().getResourceAsStream("/contract/" + type + ".json")) {
      fixture = TREE.readTree(in);
    }
    PublishedEvent published =
        new PublishedEvent(UUID.randomUUID().toString(), event.occurredAt(), "alice", 0, event);
    Map<String, String> headers =
        headers(consumed(CloudEventsKafka.toRecord("zep.events", published)));
    assertThat(contract.problems(headers, fixture)).isEmpty();
  }

  @Test
  void theGenerationMarkerFollowsTheDocument() {
    assertThat(
            contract.problems(
                consumed(TopicGenerations.endedRecord("zep.events", 1, 2, "zep.events.g2"))))
        .isEmpty();
  }

  @Test
  void theDocumentsOwnExamplesFollowItsSchemas() {
    List<String> problems = new ArrayList<>();
    contract
        .document()
        .path("components")
        .path("messages")
        .forEach(
            message ->
                message
                    .path("examples")
                    .forEach(
                        example -> {
                          Map<String, String> headers = new LinkedHashMap<>();
                          example
                              .path("headers")
                              .fields()
                              .forEachRemaining(
                                  h -> headers.put(h.getKey(), h.getValue().asText()));
                          problems.addAll(contract.problems(headers, example.path("payload")));
                        }));
    assertThat(problems).isEmpty();
    assertThat(contract.document().path("components").path("messages"))
        .allSatisfy(m -> assertThat(m.path("examples")).isNotEmpty());
  }

  @Test
  void aFieldOrHeaderTheDocumentDoesNotDeclareIsCaught() throws IOException {
    PublishedEvent published =
        new PublishedEvent(
            UUID.randomUUID().toString(),
            EventContractTest.DELETED.occurredAt(),
            "alice",
            2,
            EventContractTest.DELETED);
    Map<String, String> headers =
        headers(consumed(CloudEventsKafka.toRecord("zep.events", published)));
    JsonNode data =
        TREE.readTree(
            "{\"user_id\":\"alice\",\"uuid\":\"6f0c2a52-7d5e-4a8e-9d43-0b8f3c1f2e11\",\"deleted_at\":\"2024-01-04T10:00:00Z\",\"extra\":1}");
    assertThat(contract.problems(headers, data)).singleElement().asString().contains("extra");
    JsonNode wrong = TREE.readTree("{\"user_id\":\"\",\"uuid\":\"nope\"}");
    assertThat(contract.problems(headers, wrong))
        .anySatisfy(p -> assertThat(p).contains("user_id"))
        .anySatisfy(p -> assertThat(p).contains("uuid"))
        .anySatisfy(p -> assertThat(p).contains("deleted_at"));
    headers.put("ce_new", "x");
    headers.remove("ce_sequence");
    assertThat(contract.problems(headers, data))
        .anySatisfy(p -> assertThat(p).contains("ce_new"))
        .anySatisfy(p -> assertThat(p).contains("ce_sequence"));
  }

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> sent) {
    return new ConsumerRecord<>(
        sent.topic(),
        sent.partition() == null ? 0 : sent.partition(),
        0,
        0L,
        TimestampType.LOG_APPEND_TIME,
        0,
        0,
        sent.key(),
        sent.value(),
        sent.headers(),
        Optional.empty());
  }

  private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    record
        .headers()
        .forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
    return headers;
  }
}
