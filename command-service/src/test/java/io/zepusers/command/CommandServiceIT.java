package io.zepusers.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zepusers.command.config.BoundedTailingReads;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import io.zepusers.testinfra.OpenApiCoverage;
import io.zepusers.testinfra.TestInfra;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The write side against real PostgreSQL and a real Kafka broker: HTTP in, events stored,
 * CloudEvents out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandServiceIT {

  /**
   * Set by a test: the publisher's next batch fails to commit after Kafka acknowledged it (the
   * database went away).
   */
  static final AtomicBoolean failNextPublisherCommit = new AtomicBoolean();

  @TestConfiguration
  static class LosePublisherCommits {
    @Bean
    ConfigurerModule failingPublisherCommits() {
      return configurer ->
          configurer
              .eventProcessing()
              .registerHandlerInterceptor(
                  "kafka-publisher",
                  c ->
                      (unitOfWork, chain) -> {
                        Object result = chain.proceed();
                        // registered after the publisher's own wait for Kafka, so it runs once the
                        // records are acknowledged
                        if (failNextPublisherCommit.compareAndSet(true, false)) {
                          unitOfWork.onPrepareCommit(
                              uow -> {
                                throw new IllegalStateException(
                                    "simulated: the token could not be stored");
                              });
                        }
                        return result;
                      });
    }
  }

  static final String TOPIC = TestInfra.uniqueName("cmd-events");
  static KafkaConsumer<String, byte[]> consumer;
  static final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("commands"));
    registry.add("zep.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("zep.kafka.topic", () -> TOPIC);
    registry.add("zep.consistency.publish-timeout", () -> "2s");
  }

  @BeforeAll
  static void subscribe() {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestInfra.uniqueName("it"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(TOPIC));
  }

  @AfterAll
  static void close() {
    consumer.close();
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ApplicationContext context;
  @Autowired TransactionManager axonTransactions;
  @Autowired EventStorageEngine storageEngine;
  @Autowired EventProcessingConfiguration processing;
  @Autowired EventStore eventStore;

  final HttpClient http = HttpClient.newHttpClient();
  final JsonMapper json = JsonMapper.builder().build();

  @Test
  void prometheusHasCommandsByTypeAndOutcomeAndPublishLatencyAndReadinessWatchesKafka()
      throws Exception {
    String userId = "metrics-" + UUID.randomUUID();
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}").statusCode())
        .isEqualTo(201);
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}").statusCode())
        .isEqualTo(400);

    HttpResponse<String> scrape = send("GET", "/actuator/prometheus", null);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .contains(
            "commands_seconds_count{exception=\"none\",outcome=\"success\",type=\"CreateUser\"}")
        .containsPattern(
            "commands_seconds_count\\{exception=\"\\w+\",outcome=\"failure\",type=\"CreateUser\"}")
        .contains("commands_publish_wait_seconds_count{outcome=\"acknowledged\"}")
        .contains("publish_latency_seconds_bucket");
    HttpResponse<String> readiness = send("GET", "/actuator/health/readiness", null);
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"kafka\"", "\"db\"");
  }

  @Test
  void theOpenApiDocumentHasEveryRouteWithItsBodiesAndErrors() throws Exception {
    HttpResponse<String> doc = send("GET", "/v3/api-docs", null);
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(OpenApiCoverage.missing(context, doc.body())).isEmpty();
    JsonNode create = json.readTree(doc.body()).path("paths").path("/api/v1/user").path("post");
    assertThat(
            create
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("examples")
                .path("example")
                .path("value")
                .path("user_id")
                .asString())
        .isEqualTo("alice");
    assertThat(create.path("responses").has("400")).isTrue();
    assertThat(create.path("responses").path("201").path("headers").has("X-Consistency-Token"))
        .isTrue();
    JsonNode example =
        json.readTree(doc.body())
            .path("components")
            .path("schemas")
            .path("UserView")
            .path("example");
    assertThat(example.path("user_id").asString()).isEqualTo("alice");
    assertThat(example.path("created_at").asString()).isEqualTo("2024-01-02T03:04:05.123456Z");
  }

  @Test
  void axonRunsOnTheJdbcEventStoreWithSpringTransactions() {
    // Boot 4 + JDBC only silently loses both without the ordering fix
    // (shared/reference/stack-spike.md P1)
    assertThat(axonTransactions).isInstanceOf(SpringTransactionManager.class);
    assertThat(storageEngine)
        .isInstanceOfSatisfying(
            BoundedTailingReads.class,
            e -> assertThat(e.engine()).isInstanceOf(JdbcEventStorageEngine.class));
  }

  @Test
  void theStoreIsReadAThousandEventsPerQuery() {
    // Axon's default is 100: a rebuild of a million events took 10,000 queries
    assertThat(((BoundedTailingReads) storageEngine).engine())
        .isInstanceOfSatisfying(
            JdbcEventStorageEngine.class, e -> assertThat(e.batchSize()).isEqualTo(1000));
  }

  @Test
  void userLifecycleIsStoredAndPublishedInOrderAsCloudEvents() throws Exception {
    String userId = "alice-" + UUID.randomUUID();

    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/user",
            "{\"user_id\":\""
                + userId
                + "\",\"email\":\"a@x.io\",\"metadata\":{\"a\":{\"b\":1,\"c\":2},\"r\":1.10}}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode user = json.readTree(created.body());
    assertThat(user.get("user_id").asString()).isEqualTo(userId);
    assertThat(user.get("id").asLong()).isPositive();
    assertThat(user.get("deleted_at").isNull()).isTrue();
    assertThat(created.body()).contains("\"r\":1.10");

    HttpResponse<String> duplicate =
        send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    assertThat(duplicate.statusCode()).isEqualTo(400);
    assertThat(duplicate.body())
        .isEqualTo("bad request: user already exists with user_id: " + userId + "\n");
    assertThat(duplicate.headers().firstValue("content-type").orElse("")).startsWith("text/plain");

    HttpResponse<String> updated =
        send(
            "PATCH",
            "/api/v1/user/" + userId,
            "{\"first_name\":\"Al\",\"email\":\"\",\"metadata\":{\"a\":{\"c\":3}}}",
            "req-update-1");
    assertThat(updated.headers().firstValue("X-Correlation-Id")).contains("req-update-1");
    assertThat(updated.statusCode()).isEqualTo(200);
    JsonNode after = json.readTree(updated.body());
    assertThat(after.get("email").asString()).isEqualTo("a@x.io");
    assertThat(after.get("first_name").asString()).isEqualTo("Al");
    assertThat(updated.body()).endsWith("\"metadata\":{\"a\":{\"b\":1,\"c\":3},\"r\":1.10}}");
    assertThat(after.get("uuid")).isEqualTo(user.get("uuid"));

    HttpResponse<String> deleted = send("DELETE", "/api/v1/user/" + userId, null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo("OK");
    assertThat(send("DELETE", "/api/v1/user/" + userId, null).statusCode()).isEqualTo(404);

    HttpResponse<String> again = send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    assertThat(again.statusCode()).isEqualTo(201);
    JsonNode reborn = json.readTree(again.body());
    assertThat(reborn.get("uuid")).isNotEqualTo(user.get("uuid"));
    assertThat(reborn.get("id").asLong()).isGreaterThan(user.get("id").asLong());

    // one stream per user_id across delete and re-create
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?",
                Long.class,
                userId))
        .isEqualTo(4);

    List<PublishedEvent> events = awaitPublished(userId, 4);
    assertThat(events).extracting(PublishedEvent::sequence).containsExactly(0L, 1L, 2L, 3L);
    assertThat(events.get(1).correlationId()).isEqualTo("req-update-1");
    assertThat(events.get(0).correlationId())
        .isNotBlank()
        .isEqualTo(created.headers().firstValue("X-Correlation-Id").orElseThrow());
    assertThat(events)
        .extracting(e -> (Object) e.data().getClass())
        .containsExactly(
            UserCreated.class, UserUpdated.class, UserDeleted.class, UserCreated.class);
    assertThat(events)
        .extracting(PublishedEvent::type)
        .containsExactly("user.created", "user.updated", "user.deleted", "user.created");
    UserUpdated update = (UserUpdated) events.get(1).data();
    assertThat(update.metadata())
        .isEqualTo(Map.of("a", Map.of("b", 1, "c", 3), "r", new BigDecimal("1.10")));
    // one user's events are on one partition, keyed by user id
    assertThat(recordsOf(userId))
        .extracting(ConsumerRecord::partition)
        .containsOnly(recordsOf(userId).get(0).partition());
    assertThat(recordsOf(userId)).extracting(ConsumerRecord::key).containsOnly(userId);
  }

  @Test
  void badInputIsAOneLine400() throws Exception {
    assertThat(send("POST", "/api/v1/user", "{\"email\":\"x@y.z\"}"))
        .satisfies(r -> assertBadRequest(r, "bad request: user_id cannot be empty\n"));
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"\"}"))
        .satisfies(r -> assertBadRequest(r, "bad request: user_id cannot be empty\n"));
    assertThat(send("POST", "/api/v1/user", "{\"user_id\": 12}"))
        .satisfies(r -> assertBadRequest(r, "bad request: user_id must be a string\n"));
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"x\",\"metadata\":[1]}"))
        .satisfies(r -> assertBadRequest(r, "bad request: metadata must be a JSON object\n"));
    HttpResponse<String> broken = send("POST", "/api/v1/user", "{\"user_id\": ");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body())
        .startsWith("bad request: invalid JSON")
        .endsWith("\n")
        .hasLineCount(1);
    assertThat(send("POST", "/api/v1/user", "").statusCode()).isEqualTo(400);
    assertThat(send("PATCH", "/api/v1/user/nobody-" + UUID.randomUUID(), "{}").statusCode())
        .isEqualTo(404);
    assertThat(send("DELETE", "/api/v1/user/nobody-" + UUID.randomUUID(), null).body())
        .isEqualTo("not found\n");
  }

  /**
   * A restart of the publisher (what a service restart does) goes on from its stored token: nothing
   * lost, nothing twice.
   */
  @Test
  void publisherResumesFromItsStoredPosition() throws Exception {
    String before = "before-" + UUID.randomUUID();
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + before + "\"}").statusCode())
        .isEqualTo(201);
    awaitPublished(before, 1);

    EventProcessor publisher = processing.eventProcessor("kafka-publisher").orElseThrow();
    publisher.shutDown();
    String during = "during-" + UUID.randomUUID();
    HttpResponse<String> stored = send("POST", "/api/v1/user", "{\"user_id\":\"" + during + "\"}");
    assertThat(stored.statusCode())
        .isEqualTo(201); // stored even though nothing publishes right now
    // the answer waited the bound (2 s here) for Kafka and says it was cut short
    assertThat(stored.headers().firstValue("X-Consistency-Warning")).isPresent();
    assertThat(stored.headers().firstValue("X-Consistency-Token")).isEmpty();
    publisher.start();

    awaitPublished(during, 1);
    String after = "after-" + UUID.randomUUID();
    send("POST", "/api/v1/user", "{\"user_id\":\"" + after + "\"}");
    awaitPublished(after, 1);
    assertThat(recordsOf(before)).hasSize(1);
    assertThat(recordsOf(during)).hasSize(1);
  }

  /**
   * Last: it sends every event of this class's topic again, which other tests' record counts must
   * not see.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void republishSendsEveryStoredEventAgainWithTheSameIdentity() throws Exception {
    String userId = "republished-" + UUID.randomUUID();
    send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    send("PATCH", "/api/v1/user/" + userId, "{\"email\":\"r@x.io\"}");
    List<PublishedEvent> first = awaitPublished(userId, 2);

    HttpResponse<String> started = send("POST", "/api/v1/admin/republish", null);
    assertThat(started.statusCode()).isEqualTo(202);
    JsonNode progress = json.readTree(started.body());
    assertThat(progress.get("events_total").asLong()).isPositive();
    // running from the moment it is accepted, before the publisher's worker has picked it up: a
    // poller must not take the gap for the end
    assertThat(progress.get("republishing").asBoolean()).isTrue();

    List<PublishedEvent> all = awaitPublished(userId, 4);
    assertThat(all.subList(2, 4)).isEqualTo(first);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !json.readTree(send("GET", "/admin/republish", null).body())
                    .get("republishing")
                    .asBoolean());
  }

  /**
   * Crypto-shredding: the event store never holds personal data in clear, and after the delete not
   * at all.
   */
  @Test
  void personalDataIsStoredEncryptedAndUnreadableOnceTheUserIsDeleted() throws Exception {
    String userId = "private-" + UUID.randomUUID();
    send(
        "POST",
        "/api/v1/user",
        "{\"user_id\":\""
            + userId
            + "\",\"email\":\"hidden@x.io\",\"first_name\":\"Hid-Den\",\"metadata\":{\"ssn\":\"999-00-1234\"}}");
    send(
        "POST",
        "/api/v1/sessions",
        "{\"session_id\":\""
            + userId
            + "-s\",\"user_id\":\""
            + userId
            + "\",\"metadata\":{\"diary\":\"my-secret\"}}");
    String stored =
        String.join(
            " ",
            jdbc.queryForList(
                "SELECT convert_from(payload, 'UTF8') FROM domainevententry WHERE aggregateidentifier IN (?, ?)",
                String.class,
                userId,
                "session:" + userId + "-s"));
    assertThat(stored)
        .contains("personal_data")
        .doesNotContain(
            "hidden@x.io",
            "Hid-Den",
            "999-00-1234",
            "my-secret"); // a hyphen never appears in base64

    UserCreated whileAlive =
        (UserCreated)
            eventStore.readEvents(userId).asStream().findFirst().orElseThrow().getPayload();
    assertThat(whileAlive.email()).isEqualTo("hidden@x.io");
    assertThat(whileAlive.metadata()).isEqualTo(Map.of("ssn", "999-00-1234"));

    assertThat(send("DELETE", "/api/v1/user/" + userId, null).statusCode()).isEqualTo(200);

    UserCreated afterDelete =
        (UserCreated)
            eventStore.readEvents(userId).asStream().findFirst().orElseThrow().getPayload();
    assertThat(afterDelete.email()).isNull();
    assertThat(afterDelete.firstName()).isNull();
    assertThat(afterDelete.metadata()).isNull();
    assertThat(afterDelete.id()).isEqualTo(whileAlive.id()); // that it existed, and when, stays
    assertThat(afterDelete.createdAt()).isEqualTo(whileAlive.createdAt());
    io.zepusers.events.SessionCreated session =
        (io.zepusers.events.SessionCreated)
            eventStore
                .readEvents("session:" + userId + "-s")
                .asStream()
                .findFirst()
                .orElseThrow()
                .getPayload();
    assertThat(session.metadata()).isNull();

    // re-created: a new key, readable again
    send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\",\"email\":\"back@x.io\"}");
    assertThat(
            eventStore
                .readEvents(userId)
                .asStream()
                .map(m -> m.getPayload())
                .filter(UserCreated.class::isInstance)
                .map(p -> ((UserCreated) p).email())
                .toList())
        .containsExactly(null, "back@x.io");
  }

  /**
   * The history for auditors: every event of a user and its sessions, from the store, as
   * CloudEvents in JSON lines.
   */
  @Test
  void theHistoryOfAUserAndOfEverythingComesFromTheStoreAsJsonLines() throws Exception {
    String userId = "audited-" + UUID.randomUUID();
    send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\",\"email\":\"audit@x.io\"}");
    send(
        "POST",
        "/api/v1/sessions",
        "{\"session_id\":\"" + userId + "-s\",\"user_id\":\"" + userId + "\"}");
    send("PATCH", "/api/v1/user/" + userId, "{\"first_name\":\"Au\"}");
    send("POST", "/api/v1/user", "{\"user_id\":\"someone-else-" + UUID.randomUUID() + "\"}");

    HttpResponse<String> history = send("GET", "/api/v1/admin/events?user_id=" + userId, null);
    assertThat(history.statusCode()).isEqualTo(200);
    assertThat(history.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
    List<JsonNode> lines = history.body().lines().map(json::readTree).toList();
    assertThat(lines)
        .extracting(l -> l.get("type").asString())
        .containsExactly("user.created", "session.created", "user.updated");
    assertThat(lines)
        .allSatisfy(
            l -> {
              assertThat(l.get("specversion").asString()).isEqualTo("1.0");
              assertThat(l.get("subject").asString()).isEqualTo(userId);
            });
    assertThat(lines.get(0).get("data").get("email").asString()).isEqualTo("audit@x.io");
    assertThat(lines.get(0).get("position").asLong())
        .isLessThan(lines.get(1).get("position").asLong());
    assertThat(lines.get(1).get("position").asLong())
        .isLessThan(lines.get(2).get("position").asLong());

    send("DELETE", "/api/v1/user/" + userId, null);
    String afterDelete = send("GET", "/api/v1/admin/events?user_id=" + userId, null).body();
    assertThat(afterDelete).contains("\"user.deleted\"").doesNotContain("audit@x.io");

    HttpResponse<String> everything = send("GET", "/api/v1/admin/events", null);
    long total = Long.parseLong(everything.headers().firstValue("Zep-Events-Total").orElseThrow());
    List<JsonNode> all = everything.body().lines().map(json::readTree).toList();
    assertThat(all)
        .hasSize(
            jdbc.queryForObject(
                "SELECT count(*) FROM domainevententry WHERE globalindex <= ?",
                Integer.class,
                total));
    assertThat(all).extracting(l -> l.get("position").asLong()).isSorted();
    assertThat(send("GET", "/api/v1/admin/events?user_id=", null).statusCode()).isEqualTo(400);
  }

  /**
   * The store names events as the contract does; rows stored under Java class names still load
   * (LegacyEventTypes).
   */
  @Test
  void eventsAreStoredUnderTheirStableNamesAndClassNamedOnesStillLoad() throws Exception {
    String userId = "named-" + UUID.randomUUID();
    send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\",\"email\":\"n@x.io\"}");
    assertThat(
            jdbc.queryForList(
                "SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ?",
                String.class,
                userId))
        .containsExactly("user.created");

    jdbc.update(
        "UPDATE domainevententry SET payloadtype = 'io.zepusers.events.UserCreated' WHERE aggregateidentifier = ?",
        userId);
    HttpResponse<String> updated =
        send("PATCH", "/api/v1/user/" + userId, "{\"first_name\":\"Legacy\"}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(json.readTree(updated.body()).get("email").asString()).isEqualTo("n@x.io");
    assertThat(
            eventStore
                .readEvents(userId)
                .asStream()
                .map(m -> m.getPayload().getClass().getSimpleName())
                .toList())
        .containsExactly("UserCreated", "UserUpdated");
  }

  @Test
  void idsMayContainEncodedSlashesAndSpaces() throws Exception {
    String userId = "team/" + UUID.randomUUID() + " x";
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}").statusCode())
        .isEqualTo(201);
    String encoded = userId.replace("/", "%2F").replace(" ", "%20");
    HttpResponse<String> updated =
        send("PATCH", "/api/v1/user/" + encoded, "{\"first_name\":\"F\"}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(json.readTree(updated.body()).get("user_id").asString()).isEqualTo(userId);
    // a malformed escape never reaches a controller; the container's answer is still one line of
    // text
    String raw =
        rawRequest(
            "DELETE /api/v1/user/%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertThat(raw)
        .startsWith("HTTP/1.1 400")
        .containsIgnoringCase("content-type: text/plain")
        .doesNotContain("<html");
  }

  /**
   * Zep reads the body as JSON whatever the Content-Type says; {@code curl -d} sends a form type.
   */
  @Test
  void bodiesAreJsonWhateverTheirContentType() throws Exception {
    String userId = "form-" + UUID.randomUUID();
    HttpResponse<String> created =
        sendTyped(
            "POST",
            "/api/v1/user",
            "{\"user_id\":\"" + userId + "\"}",
            "application/x-www-form-urlencoded");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> updated =
        sendTyped(
            "PATCH",
            "/api/v1/user/" + userId,
            "{\"first_name\":\"Form\"}",
            "application/x-www-form-urlencoded");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(json.readTree(updated.body()).get("first_name").asString()).isEqualTo("Form");
    HttpResponse<String> garbage =
        sendTyped("PATCH", "/api/v1/user/" + userId, "{\"last_name\":\"G\"}", "garbage");
    assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(200);
    HttpResponse<String> session =
        sendTyped(
            "POST",
            "/api/v1/sessions",
            "{\"session_id\":\"" + userId + "-s\",\"user_id\":\"" + userId + "\"}",
            "text/plain");
    assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
  }

  /**
   * What the API accepts, the event store, Kafka and the read side can hold; everything else is a
   * one-line 400.
   */
  @Test
  void limitsAreCheckedAtTheEdge() throws Exception {
    String longest = "i".repeat(999) + "\u00e9"; // 1,000 characters, 1,001 bytes
    String longestPath = "i".repeat(999) + "%C3%A9";
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + longest + "\"}").statusCode())
        .isEqualTo(201);
    assertThat(send("PATCH", "/api/v1/user/" + longestPath, "{\"email\":\"l@x.io\"}").statusCode())
        .isEqualTo(200);
    String longestSession = "s".repeat(999) + "\u00e9";
    assertThat(
            send(
                    "POST",
                    "/api/v1/sessions",
                    "{\"session_id\":\"" + longestSession + "\",\"user_id\":\"" + longest + "\"}")
                .statusCode())
        .isEqualTo(201);
    assertThat(send("DELETE", "/api/v1/user/" + longestPath, null).statusCode()).isEqualTo(200);

    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"" + "i".repeat(1001) + "\"}"),
        "bad request: user_id is too long: at most 1000 characters, got 1001\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"" + "\u00e9".repeat(1000) + "x\"}"),
        "bad request: user_id is too long: at most 1000 characters, got 1001\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"" + "\ud83d\ude00".repeat(600) + "\"}"),
        "bad request: user_id is too long: at most 2000 bytes in UTF-8, got 2400\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"a\\u0000b\"}"),
        "bad request: user_id cannot contain control characters (found U+0000)\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"a\\\\b\"}"),
        "bad request: user_id cannot contain a backslash\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"..\"}"),
        "bad request: user_id cannot be \".\" or \"..\"\n");
    assertBadRequest(
        send("POST", "/api/v1/sessions", "{\"session_id\":\"s\\ud800\"}"),
        "bad request: session_id cannot contain an unpaired UTF-16 surrogate (U+D800)\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"email\":\"" + "e".repeat(1001) + "\"}"),
        "bad request: email is too long: at most 1000 characters, got 1001\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"first_name\":\"a\\u0000\"}"),
        "bad request: first_name cannot contain the NUL character (\\u0000)\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":{\"a\":\"\\u0000\"}}"),
        "bad request: metadata.a cannot contain the NUL character (\\u0000)\n");
    HttpResponse<String> surrogateKey =
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":{\"k\":{\"\\udc00\":1}}}");
    assertThat(surrogateKey.statusCode()).isEqualTo(400);
    assertThat(surrogateKey.body())
        .startsWith("bad request: invalid JSON: Unexpected low surrogate")
        .hasLineCount(1);
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":{\"a\":\"\\ud800\"}}"),
        "bad request: metadata.a cannot contain an unpaired UTF-16 surrogate (U+D800)\n");
    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":{\"n\":1e999999999}}"),
        "bad request: metadata.n is a number out of range: at most 1000 digits before and after the decimal point\n");
    HttpResponse<String> tooDeep =
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":" + nested(33) + "}");
    assertThat(tooDeep.statusCode()).isEqualTo(400);
    assertThat(tooDeep.body())
        .startsWith("bad request: metadata.a.a.a")
        .endsWith(" is nested too deeply: at most 32 levels of objects and arrays\n");
    HttpResponse<String> deep =
        send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":" + nested(10_000) + "}");
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(deep.body()).startsWith("bad request: invalid JSON").hasLineCount(1);
    assertThat(
            send("POST", "/api/v1/user", "{\"user_id\":\"u\",\"metadata\":" + nested(32) + "}")
                .statusCode())
        .isEqualTo(201);

    String big = "x".repeat(200 * 1024);
    String grower = "grower-" + UUID.randomUUID();
    assertThat(
            send(
                    "POST",
                    "/api/v1/user",
                    "{\"user_id\":\"" + grower + "\",\"metadata\":{\"a\":\"" + big + "\"}}")
                .statusCode())
        .isEqualTo(201);
    HttpResponse<String> grown =
        send("PATCH", "/api/v1/user/" + grower, "{\"metadata\":{\"b\":\"" + big + "\"}}");
    assertThat(grown.statusCode()).isEqualTo(400);
    assertThat(grown.body())
        .startsWith(
            "bad request: metadata is too large after the merge: at most 262144 bytes as JSON, got ");
    HttpResponse<String> huge =
        send(
            "POST",
            "/api/v1/sessions",
            "{\"session_id\":\"huge\",\"metadata\":{\"a\":\"" + "x".repeat(1024 * 1024) + "\"}}");
    assertThat(huge.body())
        .startsWith("bad request: metadata is too large: at most 262144 bytes as JSON, got ");

    // an id that could never have been created names nothing; the database is not even asked
    assertThat(send("PATCH", "/api/v1/user/a%01b", "{}").statusCode()).isEqualTo(404);
    assertThat(
            send(
                "PATCH", "/api/v1/user/a%00b", "{}")) // the container refuses an encoded NUL itself
        .satisfies(r -> assertBadRequest(r, "bad request: malformed request\n"));
    assertThat(
            send("DELETE", "/api/v1/sessions/" + "s".repeat(1001) + "/memory", null).statusCode())
        .isEqualTo(404);
  }

  /**
   * Ids of users and sessions are separate namespaces (an app may name a user's session after the
   * user).
   */
  @Test
  void aSessionMayHaveTheIdOfAUser() throws Exception {
    String id = "shared-" + UUID.randomUUID();
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + id + "\"}").statusCode())
        .isEqualTo(201);
    HttpResponse<String> session =
        send(
            "POST",
            "/api/v1/sessions",
            "{\"session_id\":\"" + id + "\",\"user_id\":\"" + id + "\"}");
    assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
    assertThat(send("PATCH", "/api/v1/sessions/" + id, "{\"metadata\":{\"k\":1}}").statusCode())
        .isEqualTo(200);
    assertThat(send("PATCH", "/api/v1/user/" + id, "{\"metadata\":{\"k\":2}}").statusCode())
        .isEqualTo(200);
    // the migration that renamed older session streams relies on the stored aggregate type
    assertThat(
            jdbc.queryForList(
                "SELECT DISTINCT type FROM domainevententry WHERE aggregateidentifier = ?",
                String.class,
                "session:" + id))
        .containsExactly("SessionAggregate");
    List<PublishedEvent> published = awaitPublished(id, 4);
    assertThat(published)
        .extracting(PublishedEvent::aggregateId)
        .containsExactly(id, "session:" + id, "session:" + id, id);
    assertThat(published).extracting(PublishedEvent::sequence).containsExactly(0L, 0L, 1L, 1L);
    assertThat(send("DELETE", "/api/v1/user/" + id, null).statusCode()).isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/sessions/" + id + "/memory", null).statusCode())
        .isEqualTo(404); // went with its user

    assertBadRequest(
        send("POST", "/api/v1/user", "{\"user_id\":\"session:" + id + "\"}"),
        "bad request: user_id cannot start with \"session:\" (the event store's name for session streams)\n");
    assertThat(send("PATCH", "/api/v1/user/session:" + id, "{}").statusCode()).isEqualTo(404);
  }

  /**
   * A batch Kafka took but whose token commit failed is processed again without sending its records
   * twice.
   */
  @Test
  void aBatchWhoseCommitFailsAfterKafkaTookItIsNotSentTwice() throws Exception {
    String userId = "commit-lost-" + UUID.randomUUID();
    failNextPublisherCommit.set(true);
    HttpResponse<String> created = send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    awaitPublished(userId, 1);
    assertThat(failNextPublisherCommit).isFalse();
    String after = "commit-lost-after-" + UUID.randomUUID();
    send("POST", "/api/v1/user", "{\"user_id\":\"" + after + "\"}");
    awaitPublished(
        after, 1); // the failed batch was committed on its retry, or this would not be published
    assertThat(recordsOf(userId)).hasSize(1);
  }

  /**
   * One event Kafka will never take (stored before the limits existed) is passed over, never
   * retried forever.
   */
  @Test
  void anEventKafkaRefusesDoesNotStopPublishing() throws Exception {
    String giant = "giant-" + UUID.randomUUID();
    eventStore.publish(
        new GenericDomainEventMessage<>(
            "UserAggregate",
            giant,
            0,
            new UserCreated(
                giant,
                UUID.randomUUID(),
                999_999_999L,
                null,
                null,
                null,
                Map.of("blob", "x".repeat(2 * 1024 * 1024)),
                Instant.parse("2024-01-01T00:00:00Z"))));
    String next = "after-giant-" + UUID.randomUUID();
    HttpResponse<String> created = send("POST", "/api/v1/user", "{\"user_id\":\"" + next + "\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("X-Consistency-Warning")).isEmpty();
    assertThat(created.headers().firstValue("X-Consistency-Token")).isPresent();
    awaitPublished(next, 1);
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM unpublishable_events WHERE aggregate_id = ?",
                String.class,
                giant))
        .contains("RecordTooLargeException");
    assertThat(recordsOf(giant)).isEmpty();
  }

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private HttpResponse<String> sendTyped(
      String method, String path, String body, String contentType) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", contentType)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private String rawRequest(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void sessionsBelongToExistingUsersAndGoWithThem() throws Exception {
    String userId = "owner-" + UUID.randomUUID();
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}").statusCode())
        .isEqualTo(201);

    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/sessions",
            "{\"session_id\":\""
                + userId
                + "-s1\",\"user_id\":\""
                + userId
                + "\",\"metadata\":{\"a\":{\"b\":1}}}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode session = json.readTree(created.body());
    assertThat(session.get("user_id").asString()).isEqualTo(userId);
    assertThat(session.get("id").asLong()).isPositive();
    HttpResponse<String> loose =
        send("POST", "/api/v1/sessions", "{\"session_id\":\"" + userId + "-loose\"}");
    assertThat(loose.body()).endsWith("\"metadata\":null,\"user_id\":null}");

    assertThat(
            send(
                "POST",
                "/api/v1/sessions",
                "{\"session_id\":\"x-" + UUID.randomUUID() + "\",\"user_id\":\"nobody\"}"))
        .satisfies(
            r -> assertBadRequest(r, "bad request: user does not exist with user_id: nobody\n"));
    assertThat(send("POST", "/api/v1/sessions", "{\"session_id\":\"\"}"))
        .satisfies(r -> assertBadRequest(r, "bad request: session_id cannot be empty\n"));
    assertThat(send("POST", "/api/v1/sessions", "{\"session_id\":\"" + userId + "-s1\"}"))
        .satisfies(
            r ->
                assertBadRequest(
                    r, "bad request: session already exists with session_id: " + userId + "-s1\n"));

    HttpResponse<String> updated =
        send(
            "PATCH",
            "/api/v1/sessions/" + userId + "-s1",
            "{\"metadata\":{\"a\":{\"c\":2},\"system\":{\"x\":1}},\"user_id\":\"other\"}");
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(updated.body())
        .contains("\"metadata\":{\"a\":{\"b\":1,\"c\":2}},\"user_id\":\"" + userId + "\"");

    assertThat(send("DELETE", "/api/v1/sessions/" + userId + "-loose/memory", null).body())
        .isEqualTo("OK");
    assertThat(send("DELETE", "/api/v1/sessions/" + userId + "-loose/memory", null).statusCode())
        .isEqualTo(404);
    assertThat(send("PATCH", "/api/v1/sessions/" + userId + "-loose", "{}").statusCode())
        .isEqualTo(404);

    assertThat(send("DELETE", "/api/v1/user/" + userId, null).statusCode()).isEqualTo(200);
    // the session went with its user, so its id is free again; a soft-deleted one's is not
    assertThat(
            send("POST", "/api/v1/sessions", "{\"session_id\":\"" + userId + "-s1\"}").statusCode())
        .isEqualTo(201);
    assertThat(
            send("POST", "/api/v1/sessions", "{\"session_id\":\"" + userId + "-loose\"}")
                .statusCode())
        .isEqualTo(400);

    List<PublishedEvent> events = awaitPublished(userId, 5);
    assertThat(events)
        .extracting(PublishedEvent::type)
        .containsExactly(
            "user.created",
            "session.created",
            "session.updated",
            "user.deleted",
            "session.deleted");
  }

  @Test
  void writesAnswerWithATokenNamingWhereKafkaPutTheirEvents() throws Exception {
    String userId = "token-" + UUID.randomUUID();
    HttpResponse<String> created = send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    send(
        "POST",
        "/api/v1/sessions",
        "{\"session_id\":\"" + userId + "-s\",\"user_id\":\"" + userId + "\"}");
    HttpResponse<String> deleted = send("DELETE", "/api/v1/user/" + userId, null);

    awaitPublished(userId, 4);
    List<ConsumerRecord<String, byte[]>> records = recordsOf(userId);
    ConsumerRecord<String, byte[]> first = records.get(0);
    ConsumerRecord<String, byte[]> last = records.get(records.size() - 1);
    assertThat(created.headers().firstValue("X-Consistency-Token"))
        .contains(first.partition() + ":" + (first.offset() + 1));
    // the delete waited for the session it removed in the same transaction, too
    assertThat(deleted.headers().firstValue("X-Consistency-Token"))
        .contains(last.partition() + ":" + (last.offset() + 1));
    assertThat(created.headers().firstValue("X-Consistency-Warning")).isEmpty();
  }

  @Test
  void noSessionSurvivesItsUserUnderConcurrentCreatesAndDelete() throws Exception {
    String userId = "contested-" + UUID.randomUUID();
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}").statusCode())
        .isEqualTo(201);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Integer>> creates = new ArrayList<>();
    Future<Integer> delete = null;
    for (int i = 0; i < 60; i++) {
      String body = "{\"session_id\":\"" + userId + "-" + i + "\",\"user_id\":\"" + userId + "\"}";
      creates.add(pool.submit(() -> send("POST", "/api/v1/sessions", body).statusCode()));
      if (i == 20) {
        delete = pool.submit(() -> send("DELETE", "/api/v1/user/" + userId, null).statusCode());
      }
    }
    assertThat(delete.get()).isEqualTo(200);
    long accepted = 0;
    for (Future<Integer> create : creates) {
      int status = create.get();
      assertThat(status).isIn(201, 400);
      accepted += status == 201 ? 1 : 0;
    }
    pool.shutdown();

    assertThat(accepted).as("some sessions were created before the delete").isPositive();
    long sessionsCreated = countEvents("session:" + userId + "-%", "session.created");
    long sessionsRemoved = countEvents("session:" + userId + "-%", "session.deleted");
    assertThat(sessionsCreated).isEqualTo(accepted);
    assertThat(sessionsRemoved)
        .as("every session that was created went with its user")
        .isEqualTo(accepted);
  }

  private long countEvents(String aggregatePattern, String type) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM domainevententry WHERE aggregateidentifier LIKE ? AND payloadtype = ?",
        Long.class,
        aggregatePattern,
        type);
  }

  private static void assertBadRequest(HttpResponse<String> r, String body) {
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo(body);
  }

  private List<ConsumerRecord<String, byte[]>> recordsOf(String userId) {
    return seen.stream().filter(r -> userId.equals(r.key())).toList();
  }

  private List<PublishedEvent> awaitPublished(String userId, int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              synchronized (seen) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
              }
              return recordsOf(userId).size() >= count;
            });
    return recordsOf(userId).stream().map(CloudEventsKafka::fromRecord).toList();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(method, path, body, null);
  }

  private HttpResponse<String> send(String method, String path, String body, String correlationId)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (correlationId != null) {
      request.header("X-Correlation-Id", correlationId);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
