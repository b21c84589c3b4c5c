package io.zepusers.query;

import static io.zepusers.query.TestUsers.pagingIds;
import static io.zepusers.query.TestUsers.userCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionDeleted;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import io.zepusers.testinfra.OpenApiCoverage;
import io.zepusers.testinfra.TestInfra;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The read side against real PostgreSQL and Kafka: CloudEvents in, Zep answers out. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryServiceIT {

  static final String TOPIC = TestInfra.uniqueName("query-events");
  static final String DLT = TOPIC + ".dlt";
  static KafkaProducer<String, byte[]> producer;

  /**
   * command-service's part in a rebuild; the tests publish where it says the current generation is.
   */
  static final GenerationStandIn generations = GenerationStandIn.forTopic(TOPIC);

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("queries"));
    registry.add("zep.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("zep.kafka.topic", () -> TOPIC);
    registry.add("zep.command-service.url", generations::url);
    registry.add("zep.kafka.dead-letter-topic", () -> DLT);
    registry.add("zep.kafka.group-id", () -> TestInfra.uniqueName("query-it"));
    registry.add("zep.consistency.read-timeout", () -> "2s");
  }

  @BeforeAll
  static void connect() throws Exception {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    TestInfra.createEventTopic(TOPIC, 3);
  }

  @AfterAll
  static void disconnect() {
    producer.close();
    generations.close();
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ApplicationContext context;
  final HttpClient http = HttpClient.newHttpClient();
  final JsonMapper json = JsonMapper.builder().build();

  @Test
  void userLifecycleIsProjectedAndServedInZepShape() throws Exception {
    String userId = "u-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    long id = pagingIds.incrementAndGet();
    Instant t0 = Instant.parse("2024-01-02T03:04:05.123450Z");
    publish(
        userId,
        0,
        new UserCreated(
            userId, uuid, id, "a@x.io", null, "L", Map.of("r", new BigDecimal("1.10")), t0));

    HttpResponse<String> got = awaitStatus("/api/v1/user/" + userId, 200);
    assertThat(got.body())
        .isEqualTo(
            "{\"uuid\":\""
                + uuid
                + "\",\"id\":"
                + id
                + ",\"created_at\":\"2024-01-02T03:04:05.12345Z\","
                + "\"updated_at\":\"2024-01-02T03:04:05.12345Z\",\"deleted_at\":null,\"user_id\":\""
                + userId
                + "\","
                + "\"email\":\"a@x.io\",\"last_name\":\"L\",\"metadata\":{\"r\":1.10}}");

    Instant t1 = Instant.parse("2024-01-03T00:00:00Z");
    publish(
        userId,
        1,
        new UserUpdated(userId, uuid, "b@x.io", "F", "L", Map.of("k", Map.of("n", 1)), t1));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode user = json.readTree(get("/api/v1/user/" + userId).body());
              assertThat(user.get("email").asString()).isEqualTo("b@x.io");
              assertThat(user.get("updated_at").asString()).isEqualTo("2024-01-03T00:00:00Z");
              assertThat(user.get("metadata").toString()).isEqualTo("{\"k\":{\"n\":1}}");
            });

    publish(userId, 2, new UserDeleted(userId, uuid, t1));
    awaitStatus("/api/v1/user/" + userId, 404);
    assertThat(get("/api/v1/user/" + userId).body()).isEqualTo("not found\n");

    // re-created: same stream, next sequence, new identity
    UUID reborn = UUID.randomUUID();
    publish(
        userId,
        3,
        new UserCreated(userId, reborn, pagingIds.incrementAndGet(), null, null, null, null, t1));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/api/v1/user/" + userId).body().contains(reborn.toString()));
  }

  @Test
  void redeliveredEventsChangeNothing() throws Exception {
    String userId = "dup-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    Instant t0 = Instant.parse("2024-01-02T00:00:00Z");
    PublishedEvent created =
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            0,
            new UserCreated(
                userId, uuid, pagingIds.incrementAndGet(), "first@x.io", null, null, null, t0));
    producer.send(CloudEventsKafka.toRecord(generations.currentTopic(), created)).get();
    publish(
        userId,
        1,
        new UserUpdated(userId, uuid, "second@x.io", null, null, null, t0.plusSeconds(1)));
    producer
        .send(CloudEventsKafka.toRecord(generations.currentTopic(), created))
        .get(); // at-least-once publishing: the same event again, after a later one
    String marker = "marker-" + UUID.randomUUID();
    publish(
        userId,
        2,
        new UserUpdated(userId, uuid, "second@x.io", marker, null, null, t0.plusSeconds(2)));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/api/v1/user/" + userId).body().contains(marker));
    JsonNode user = json.readTree(get("/api/v1/user/" + userId).body());
    assertThat(user.get("email").asString()).isEqualTo("second@x.io");
    assertThat(
            jdbc.queryForObject(
                "SELECT last_sequence FROM applied_sequences WHERE aggregate_id = ?",
                Long.class,
                userId))
        .isEqualTo(2);
  }

  @Test
  void listPagesByIdWithKeysetSemanticsAndStreamsWithoutLimit() throws Exception {
    String prefix = "page-" + UUID.randomUUID();
    long first = pagingIds.addAndGet(100) + 1;
    for (int i = 0; i < 5; i++) {
      String userId = prefix + "-" + i;
      publish(
          userId,
          0,
          new UserCreated(
              userId, UUID.randomUUID(), first + i, null, null, null, null, Instant.now()));
    }
    pagingIds.addAndGet(10);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/api/v1/user/" + prefix + "-4").statusCode() == 200);

    JsonNode page = json.readTree(get("/api/v1/user?limit=2&cursor=" + (first - 1)).body());
    assertThat(page).hasSize(2);
    assertThat(page.get(0).get("id").asLong()).isEqualTo(first);
    assertThat(page.get(1).get("id").asLong()).isEqualTo(first + 1);

    JsonNode rest = json.readTree(get("/api/v1/user?cursor=" + (first + 2)).body());
    assertThat(rest).extracting(n -> n.get("id").asLong()).startsWith(first + 3, first + 4);

    JsonNode all = json.readTree(get("/api/v1/user").body());
    assertThat(all.isArray()).isTrue();
    List<Long> ids = new ArrayList<>();
    all.forEach(n -> ids.add(n.get("id").asLong()));
    assertThat(ids).isSorted().contains(first, first + 4);
    assertThat(get("/api/v1/user?limit=0&cursor=" + Long.MAX_VALUE).body()).isEqualTo("[]");
    assertThat(get("/api/v1/user?limit=-1&cursor=" + (first + 3)).body()).contains(prefix + "-4");
  }

  @Test
  void badPagingParametersAreAOneLine400() throws Exception {
    HttpResponse<String> r = get("/api/v1/user?limit=abc");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("bad request: limit must be an integer, got \"abc\"\n");
    assertThat(get("/api/v1/user?cursor=1.5").statusCode()).isEqualTo(400);
  }

  @Test
  void undecodableRecordsGoToTheDeadLetterTopicAndTheProjectionKeepsGoing() throws Exception {
    ProducerRecord<String, byte[]> garbage =
        new ProducerRecord<>(
            generations.currentTopic(), "poison", "{not an event".getBytes(StandardCharsets.UTF_8));
    garbage.headers().add("ce_type", "user.created".getBytes(StandardCharsets.UTF_8));
    producer.send(garbage).get();
    String userId = "after-poison-" + UUID.randomUUID();
    publish(userId, 0, userCreated(userId));
    awaitStatus("/api/v1/user/" + userId, 200);

    try (KafkaConsumer<String, byte[]> dlt =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestInfra.uniqueName("dlt-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      dlt.subscribe(List.of(DLT));
      List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                dlt.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.stream().anyMatch(l -> "poison".equals(l.key()));
              });
      ConsumerRecord<String, byte[]> letter =
          letters.stream().filter(l -> "poison".equals(l.key())).findFirst().orElseThrow();
      assertThat(
              new String(letter.headers().lastHeader("dlt_reason").value(), StandardCharsets.UTF_8))
          .startsWith("cannot decode: ");
      assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{not an event");
    }
  }

  @Test
  void sessionsAreServedAndListedPerUserInCreationOrderAndGoWithTheirUser() throws Exception {
    String userId = "owner-" + UUID.randomUUID();
    UUID userUuid = UUID.randomUUID();
    Instant t0 = Instant.parse("2024-05-01T00:00:00Z");
    publish(
        userId,
        0,
        new UserCreated(userId, userUuid, pagingIds.incrementAndGet(), null, null, null, null, t0));
    UUID s1 = UUID.randomUUID();
    UUID s2 = UUID.randomUUID();
    long id1 = pagingIds.incrementAndGet();
    long id2 = pagingIds.incrementAndGet();
    publish(
        userId + "-b", 0, new SessionCreated(userId + "-b", s1, id1, userId, Map.of("k", "v"), t0));
    publish(userId + "-a", 0, new SessionCreated(userId + "-a", s2, id2, userId, Map.of(), t0));
    publish(
        userId + "-loose",
        0,
        new SessionCreated(
            userId + "-loose", UUID.randomUUID(), pagingIds.incrementAndGet(), null, null, t0));

    HttpResponse<String> one = awaitStatus("/api/v1/sessions/" + userId + "-b", 200);
    assertThat(one.body())
        .isEqualTo(
            "{\"uuid\":\""
                + s1
                + "\",\"id\":"
                + id1
                + ",\"created_at\":\"2024-05-01T00:00:00Z\","
                + "\"updated_at\":\"2024-05-01T00:00:00Z\",\"deleted_at\":null,\"session_id\":\""
                + userId
                + "-b\","
                + "\"metadata\":{\"k\":\"v\"},\"user_id\":\""
                + userId
                + "\"}");
    awaitStatus("/api/v1/sessions/" + userId + "-loose", 200);
    assertThat(get("/api/v1/sessions/" + userId + "-loose").body())
        .endsWith("\"metadata\":null,\"user_id\":null}");

    JsonNode ofUser = json.readTree(get("/api/v1/user/" + userId + "/sessions").body());
    assertThat(ofUser)
        .extracting(n -> n.get("session_id").asString())
        .containsExactly(userId + "-b", userId + "-a");
    assertThat(ofUser).extracting(n -> n.get("id").asLong()).containsExactly(id1, id2);
    assertThat(ofUser.get(1).get("metadata").toString()).isEqualTo("{}");

    Instant t1 = t0.plusSeconds(60);
    publish(userId + "-b", 1, new SessionUpdated(userId + "-b", s1, userId, Map.of("k", "w"), t1));
    publish(
        userId + "-a",
        1,
        new SessionDeleted(userId + "-a", s2, userId, SessionDeleted.Reason.DELETED, t1));
    awaitStatus("/api/v1/sessions/" + userId + "-a", 404);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/api/v1/sessions/" + userId + "-b").body().contains("\"k\":\"w\""));
    assertThat(json.readTree(get("/api/v1/user/" + userId + "/sessions").body())).hasSize(1);

    JsonNode page = json.readTree(get("/api/v1/sessions?limit=1&cursor=" + (id1 - 1)).body());
    assertThat(page).hasSize(1);
    assertThat(page.get(0).get("id").asLong()).isEqualTo(id1);

    publish(userId, 1, new UserDeleted(userId, userUuid, t1));
    awaitStatus("/api/v1/sessions/" + userId + "-b", 404);
    assertThat(get("/api/v1/user/" + userId + "/sessions").body()).isEqualTo("[]");
    assertThat(get("/api/v1/user/unknown-" + UUID.randomUUID() + "/sessions").body())
        .isEqualTo("[]");
  }

  @Test
  void aReadRightAfterAnAcknowledgedWriteSeesItWithoutRetrying() throws Exception {
    for (int i = 0; i < 30; i++) {
      String userId = "ryw-" + i + "-" + UUID.randomUUID();
      publish(userId, 0, userCreated(userId));
      assertThat(get("/api/v1/user/" + userId).statusCode())
          .as("read %d without token", i)
          .isEqualTo(200);
      assertThat(get("/api/v1/user").body()).as("list %d", i).contains(userId);
    }
  }

  @Test
  void aReadWithATokenWaitsForThatPosition() throws Exception {
    String userId = "token-" + UUID.randomUUID();
    RecordMetadata landed = publish(userId, 0, userCreated(userId));
    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/user/" + userId))
                .header("X-Consistency-Token", landed.partition() + ":" + (landed.offset() + 1))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);

    HttpResponse<String> bad =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/user/" + userId))
                .header("X-Consistency-Token", "zero")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body())
        .isEqualTo("bad request: X-Consistency-Token must look like 0:57,2:13 or 2@0:57,2:13\n");
  }

  @Test
  void prometheusHasTheReadWaitsTheLagAndTheRebuildAndReadinessWatchesKafka() throws Exception {
    String userId = "metrics-" + UUID.randomUUID();
    publish(userId, 0, userCreated(userId));
    assertThat(get("/api/v1/user/" + userId).statusCode()).isEqualTo(200);

    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .contains("read_waits_seconds_count{outcome=\"reached\",token=\"no\"}")
        .contains("projection_lag_seconds_bucket")
        .contains("kafka_consumer_fetch_manager_records_lag")
        .contains("projection_dead_letters_total")
        .contains("rebuild_events_done")
        .contains("rebuild_events_expected")
        .contains("rebuild_running");
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"kafka\"", "\"projection\"", "\"db\"");
  }

  @Test
  void theOpenApiDocumentHasEveryRouteWithTheConsistencyParameters() throws Exception {
    HttpResponse<String> doc = get("/v3/api-docs");
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(OpenApiCoverage.missing(context, doc.body())).isEmpty();
    assertThat(doc.body()).contains("X-Consistency-Token", "\"consistency\"", "\"503\"");
    JsonNode get =
        json.readTree(doc.body()).path("paths").path("/api/v1/user/{userId}").path("get");
    JsonNode asOf = null;
    for (JsonNode p : get.path("parameters")) {
      asOf = "as_of".equals(p.path("name").asString()) ? p : asOf;
    }
    assertThat(asOf).isNotNull();
    assertThat(asOf.path("description").asString()).contains("RFC 3339");
  }

  @Test
  void aTokenPastTheEndOfTheTopicIsA400AfterTheBoundNotAStaleAnswer() throws Exception {
    // of the generation the read models follow: an earlier one's (another test may have rebuilt)
    // is passed by the current generation's end
    int generation =
        jdbc.queryForObject("SELECT generation FROM read_model_generation", Integer.class);
    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/user/anyone"))
                .header("X-Consistency-Token", generation + "@0:999999999")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // no write made that token: waiting longer cannot help, so it is the caller's error, not a 503
    // to retry
    assertThat(read.statusCode()).isEqualTo(400);
    assertThat(read.body())
        .isEqualTo(
            "bad request: X-Consistency-Token names 0:999999999, which the topic has not reached; send the token a write answered with\n");
  }

  @Test
  void auditTrailAndAsOfShowHistoryButNoPersonalDataOfADeletedUser() throws Exception {
    String userId = "audited-" + UUID.randomUUID();
    UUID first = UUID.randomUUID();
    long firstId = pagingIds.incrementAndGet();
    Instant t0 = Instant.parse("2024-03-01T10:00:00Z");
    Instant t1 = t0.plusSeconds(60);
    Instant t2 = t0.plusSeconds(120);
    Instant t3 = t0.plusSeconds(180);
    publishWith(
        userId,
        0,
        new UserCreated(
            userId,
            first,
            firstId,
            "secret@x.io",
            "Secretfirstname",
            "Secretlastname",
            Map.of("ssn", "ssn-first-value"),
            t0),
        "req-1",
        "alice@admin");
    publishWith(
        userId + "-s",
        0,
        new SessionCreated(
            userId + "-s",
            UUID.randomUUID(),
            pagingIds.incrementAndGet(),
            userId,
            Map.of("topic", "private-session-topic"),
            t0.plusSeconds(1)),
        "req-2",
        null);
    publishWith(
        userId,
        1,
        new UserUpdated(
            userId,
            first,
            "secret@x.io",
            "Secretfirstname",
            "Secretlastname",
            Map.of("ssn", "ssn-second-value"),
            t1),
        "req-3",
        null);

    // before the delete, the past is fully visible
    JsonNode asOfT0 =
        json.readTree(get("/api/v1/user/" + userId + "?as_of=2024-03-01T10:00:30Z").body());
    assertThat(asOfT0.get("email").asString()).isEqualTo("secret@x.io");
    assertThat(asOfT0.get("metadata").toString()).isEqualTo("{\"ssn\":\"ssn-first-value\"}");
    assertThat(
            json.readTree(
                get("/api/v1/user/" + userId + "/sessions?as_of=2024-03-01T10:00:30Z").body()))
        .hasSize(1);
    assertThat(get("/api/v1/user/" + userId + "?as_of=2024-03-01T09:59:59Z").statusCode())
        .isEqualTo(404);

    publishWith(
        userId + "-s",
        1,
        new SessionDeleted(
            userId + "-s", UUID.randomUUID(), userId, SessionDeleted.Reason.USER_DELETED, t2),
        "req-4",
        null);
    publishWith(userId, 2, new UserDeleted(userId, first, t2), "req-4", null);
    UUID second = UUID.randomUUID();
    publishWith(
        userId,
        3,
        new UserCreated(
            userId, second, pagingIds.incrementAndGet(), "new@x.io", null, null, null, t3),
        "req-5",
        null);

    // a session of the new incarnation is not the deleted one's: it keeps its metadata
    publishWith(
        userId + "-s2",
        0,
        new SessionCreated(
            userId + "-s2",
            UUID.randomUUID(),
            pagingIds.incrementAndGet(),
            userId,
            Map.of("topic", "kept-session-topic"),
            t3.plusSeconds(1)),
        "req-6",
        null);

    JsonNode trail = json.readTree(get("/api/v1/user/" + userId + "/events").body());
    assertThat(trail)
        .extracting(e -> e.get("type").asString())
        .containsExactly(
            "user.created",
            "session.created",
            "user.updated",
            "session.deleted",
            "user.deleted",
            "user.created",
            "session.created");
    assertThat(trail.get(6).get("erased").asBoolean()).isFalse();
    assertThat(trail.get(0).get("correlation_id").asString()).isEqualTo("req-1");
    assertThat(trail.get(0).get("actor").asString()).isEqualTo("alice@admin");
    assertThat(trail.get(0).get("time").asString()).isEqualTo("2024-03-01T10:00:00Z");
    assertThat(trail.get(0).get("sequence").asLong()).isZero();
    assertThat(trail.get(0).get("erased").asBoolean()).isTrue();
    assertThat(trail.get(0).get("data").get("id").asLong()).isEqualTo(firstId);
    String everything = get("/api/v1/user/" + userId + "/events").body();
    assertThat(everything)
        .doesNotContain(
            "secret@x.io",
            "Secretfirstname",
            "Secretlastname",
            "ssn-first-value",
            "ssn-second-value",
            "private-session-topic")
        .contains("new@x.io", "kept-session-topic");

    // the deleted incarnation still existed then, without its personal data; the new one is whole
    JsonNode past =
        json.readTree(get("/api/v1/user/" + userId + "?as_of=2024-03-01T10:01:30Z").body());
    assertThat(past.get("uuid").asString()).isEqualTo(first.toString());
    assertThat(past.has("email")).isFalse();
    assertThat(past.has("metadata")).isFalse();
    assertThat(get("/api/v1/user/" + userId + "/sessions?as_of=2024-03-01T10:01:30Z").body())
        .doesNotContain("private-session-topic");
    assertThat(get("/api/v1/user/" + userId + "?as_of=2024-03-01T10:02:30Z").statusCode())
        .isEqualTo(404);
    assertThat(
            json.readTree(get("/api/v1/user/" + userId + "?as_of=2024-03-01T10:03:00Z").body())
                .get("uuid")
                .asString())
        .isEqualTo(second.toString());

    assertThat(get("/api/v1/user/" + userId + "?as_of=yesterday").body())
        .startsWith("bad request: as_of must be an RFC 3339 time");
    assertThat(get("/api/v1/user/never-" + UUID.randomUUID() + "/events").statusCode())
        .isEqualTo(404);
  }

  /**
   * Kafka's offsets only show the lag to monitoring, so they are committed on a timer, not after
   * every poll: a commit per poll queued up faster than the broker took them under load (thousands
   * behind after a 1,000,000-event drain), and a rebalance waited behind that queue for 20–30 s,
   * with the projection holding no partitions.
   */
  @Test
  void kafkaOffsetsAreCommittedOnATimerNotAfterEveryPoll() throws Exception {
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    double before = offsetCommits(meters);
    long t0 = System.nanoTime();
    // each record waited for before the next: every one is a poll of its own
    int records = 30;
    for (int i = 0; i < records; i++) {
      String userId = "u-" + UUID.randomUUID();
      publish(userId, 0, userCreated(userId));
      awaitStatus("/api/v1/user/" + userId, 200);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // the last offsets reach Kafka too, within the interval
    await().atMost(Duration.ofSeconds(10)).until(() -> offsetCommits(meters) > before);
    assertThat(offsetCommits(meters) - before)
        .as("offset commits for %d polls in %.1f s", records, seconds)
        .isLessThanOrEqualTo(Math.ceil(seconds) + 2);
  }

  private static double offsetCommits(MeterRegistry meters) {
    return meters.find("kafka.consumer.coordinator.commit.total").functionCounters().stream()
        .mapToDouble(FunctionCounter::count)
        .sum();
  }

  private void publishWith(
      String key, long sequence, ZepEvent event, String correlationId, String actor)
      throws Exception {
    producer
        .send(
            CloudEventsKafka.toRecord(
                generations.currentTopic(),
                new PublishedEvent(
                    UUID.randomUUID().toString(),
                    Instant.now(),
                    key,
                    sequence,
                    event,
                    correlationId,
                    actor)))
        .get();
  }

  /**
   * A row that cannot be written out (metadata nested deeper than the JSON writer goes, stored
   * before the API limited depth) must not turn the streamed list into a 200 that ends in garbage:
   * the connection is dropped instead.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void aListThatFailsHalfWayIsABrokenTransferNotAShortList() throws Exception {
    long base = pagingIds.addAndGet(1_000);
    try {
      for (int i = 1; i <= 200; i++) {
        jdbc.update(
            "INSERT INTO users (user_id, id, uuid, created_at, updated_at, metadata) VALUES (?, ?, ?, now(), now(), ?::jsonb)",
            "streamed-" + base + "-" + i,
            base + i,
            UUID.randomUUID(),
            "{\"pad\":\"" + "p".repeat(100) + "\"}");
      }
      jdbc.update(
          "INSERT INTO users (user_id, id, uuid, created_at, updated_at, metadata) VALUES (?, ?, ?, now(), now(), ?::jsonb)",
          "streamed-" + base + "-deep",
          base + 201,
          UUID.randomUUID(),
          "{\"a\":".repeat(1_500) + "1" + "}".repeat(1_500));
      HttpRequest list =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/api/v1/user?cursor=" + base))
              .header("X-Zep-Consistency", "eventual")
              .build();
      Assertions.assertThatThrownBy(() -> http.send(list, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    } finally {
      jdbc.update("DELETE FROM users WHERE id > ? AND id <= ?", base, base + 201);
    }
  }

  /**
   * When the write side moves to a new generation without a rebuild (a republish), the old one ends
   * with a marker: the read models follow the new one from its beginning, pass over what they
   * applied, and answer as before.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void theReadModelsFollowANewGenerationWhenTheOldOneEnds() throws Exception {
    String userId = "moving-" + UUID.randomUUID();
    publish(
        userId,
        0,
        new UserCreated(
            userId,
            UUID.randomUUID(),
            pagingIds.incrementAndGet(),
            "m@x.io",
            null,
            null,
            null,
            Instant.now()));
    String before = apiDump();
    int from = jdbc.queryForObject("SELECT generation FROM read_model_generation", Integer.class);

    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(URI.create(generations.url() + "/api/v1/admin/generations"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).isEqualTo(202);
    http.send(
        HttpRequest.newBuilder(
                URI.create(
                    generations.url() + "/api/v1/admin/generations/" + (from + 1) + "/takeover"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.queryForObject("SELECT generation FROM read_model_generation", Integer.class)
                    == from + 1);
    // it reads the new generation from its beginning, passing over what it applied; default reads
    // wait for that
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/user").statusCode() == 200);
    assertThat(apiDump()).isEqualTo(before);

    // a write in the new generation, read with its token (which names the generation)
    String later = "moved-" + UUID.randomUUID();
    var landed = publish(later, 0, userCreated(later));
    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/user/" + later))
                .header(
                    "X-Consistency-Token",
                    (from + 1) + "@" + landed.partition() + ":" + (landed.offset() + 1))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    // a token of the old generation is still answered (the new one holds every event)
    HttpResponse<String> old =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/user/" + userId))
                .header("X-Consistency-Token", "0:1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
  }

  /**
   * Runs last: after everything the other tests published, a rebuild must give the same answers,
   * byte for byte.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void aRebuildFromTheTopicGivesIdenticalAnswers() throws Exception {
    String userId = "rebuilt-" + UUID.randomUUID();
    publish(
        userId,
        0,
        new UserCreated(
            userId,
            UUID.randomUUID(),
            pagingIds.incrementAndGet(),
            "r@x.io",
            null,
            null,
            Map.of("k", new BigDecimal("2.50")),
            Instant.now()));
    String before = apiDump();
    assertThat(before).contains(userId);
    // what an earlier switch leaves when the service stops before it dropped the old tables
    jdbc.execute("CREATE SCHEMA retired");
    jdbc.execute("CREATE TABLE retired.users (LIKE public.users)");

    JsonNode status = rebuild();
    // a failed rebuild fails the test with its reason
    assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("done");
    assertThat(status.get("events_done").asLong())
        .isEqualTo(status.get("events_total").asLong())
        .isPositive();
    // the live consumer had the new generation's partitions before the switch: the reads after it
    // need not wait for a metadata refresh and a rebalance (which took longer than a read waits on
    // a loaded CI machine: a 503)
    String rebuilt = jdbc.queryForObject("SELECT topic FROM read_model_generation", String.class);
    assertThat(
            context
                .getBean("projectionContainer", MessageListenerContainer.class)
                .getAssignedPartitions())
        .extracting(TopicPartition::topic)
        .contains(rebuilt);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('rebuild', 'retired')",
                Long.class))
        .isZero();
    assertThat(apiDump()).isEqualTo(before);

    // and the live projection goes on on the new tables
    String later = "after-rebuild-" + UUID.randomUUID();
    publish(later, 0, userCreated(later));
    assertThat(get("/api/v1/user/" + later).statusCode()).isEqualTo(200);
  }

  /**
   * The new generation lacks an event the live read models applied (as when the event store was
   * restored from an older backup): switching would lose it, so the rebuild fails at the switch,
   * saying so, and the read models still answer with it. Put back into the topic, the event is a
   * redelivery to the live read models, and a rebuild has it again.
   */
  @Test
  void aRebuildThatWouldLoseAnAppliedEventFailsAndTheReadModelsKeepIt() throws Exception {
    String userId = "kept-" + UUID.randomUUID();
    UserCreated created = userCreated(userId);
    publish(userId, 0, created);
    PublishedEvent update =
        new PublishedEvent(
            UUID.randomUUID().toString(),
            Instant.now(),
            userId,
            1,
            new UserUpdated(userId, created.uuid(), "kept@x.io", null, null, null, Instant.now()));
    producer.send(CloudEventsKafka.toRecord(generations.currentTopic(), update)).get();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/api/v1/user/" + userId).body().contains("kept@x.io"));
    String before = apiDump();

    generations.leaveOut(
        r -> userId.equals(r.key()) && CloudEventsKafka.fromRecord(r).sequence() == 1);
    try {
      JsonNode failed = rebuild();
      assertThat(failed.get("state").asString()).as(failed.toString()).isEqualTo("failed");
      assertThat(failed.get("error").asString())
          .contains("1 event streams are further in the live read models than in");
    } finally {
      generations.leaveOut(r -> false);
    }
    assertThat(apiDump()).isEqualTo(before);

    // the operator puts it back: the live read models pass over it, and a rebuild has it again
    producer.send(CloudEventsKafka.toRecord(generations.currentTopic(), update)).get();
    String later = "after-the-failed-rebuild-" + UUID.randomUUID();
    publish(later, 0, userCreated(later));
    assertThat(get("/api/v1/user/" + later).statusCode()).isEqualTo(200);
    String whole = apiDump();
    assertThat(whole).contains("kept@x.io");
    assertThat(rebuild().get("state").asString()).isEqualTo("done");
    assertThat(apiDump()).isEqualTo(whole);
  }

  /** Runs a rebuild to its end; its last status. */
  private JsonNode rebuild() throws Exception {
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/admin/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).isEqualTo(202);
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> json.readTree(get("/api/v1/admin/rebuild").body()),
            now -> !now.get("state").asString().matches("preparing|building|switching"));
  }

  private String apiDump() throws Exception {
    StringBuilder dump = new StringBuilder();
    String users = get("/api/v1/user").body();
    dump.append(users).append('\n').append(get("/api/v1/sessions").body()).append('\n');
    List<String> subjects =
        jdbc.queryForList(
            "SELECT DISTINCT subject FROM audit_events ORDER BY subject", String.class);
    for (String subject : subjects) {
      String id = URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
      dump.append(subject).append(' ').append(get("/api/v1/user/" + id).body()).append('\n');
      dump.append(get("/api/v1/user/" + id + "/sessions").body()).append('\n');
      dump.append(get("/api/v1/user/" + id + "/events").body()).append('\n');
    }
    return dump.toString();
  }

  @Test
  void anEventualReadDoesNotWait() throws Exception {
    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/user/anyone"))
                .header("X-Consistency-Token", "0:999999999")
                .header("X-Zep-Consistency", "eventual")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/user/anyone?consistency=eventual").statusCode()).isEqualTo(404);
  }

  private RecordMetadata publish(String key, long sequence, ZepEvent event) throws Exception {
    Instant time = Instant.now();
    return producer
        .send(
            CloudEventsKafka.toRecord(
                generations.currentTopic(),
                new PublishedEvent(UUID.randomUUID().toString(), time, key, sequence, event)))
        .get();
  }

  private HttpResponse<String> awaitStatus(String path, int status) {
    await().atMost(Duration.ofSeconds(20)).until(() -> get(path).statusCode() == status);
    return get(path);
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
