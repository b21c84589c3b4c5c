package io.zepusers.query;

import static io.zepusers.query.TestUsers.pagingIds;
import static io.zepusers.query.TestUsers.userCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import io.zepusers.testinfra.TcpProxy;
import io.zepusers.testinfra.TestInfra;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The projection against what goes wrong in production: its database going away for a while
 * (through a proxy the test cuts), records that can never apply, and forged records. Runs
 * query-service itself, so that it can restart it.
 */
class ProjectionFailuresIT {

  static final String TOPIC = TestInfra.uniqueName("failures-events");
  static final String DLT = TOPIC + ".dlt";
  static final String GROUP = TestInfra.uniqueName("failures-it");
  static final HttpClient http = HttpClient.newHttpClient();

  static TcpProxy postgres;
  static String jdbcUrl;
  static KafkaProducer<String, byte[]> producer;
  static final GenerationStandIn generations = GenerationStandIn.forTopic(TOPIC);
  static QueryService app;

  @BeforeAll
  static void start() throws Exception {
    TestInfra.createEventTopic(TOPIC, 2);
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(DLT, 1, (short) 1))).all().get();
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    postgres = TcpProxy.to("127.0.0.1", TestInfra.postgres().getPort());
    jdbcUrl = postgres.jdbcUrl(TestInfra.newDatabase("queries_failures"));
    app = QueryService.start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    producer.close();
    generations.close();
    postgres.close();
  }

  @Test
  void eventsPublishedWhileThePostgresOfTheReadModelIsDownAreAllAppliedAfterItNoneDeadLettered()
      throws Exception {
    String before = "before-outage-" + UUID.randomUUID();
    publish(before, 0, userCreated(before));
    // the consumer may still be joining its group
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.get("/api/v1/user/" + before).statusCode() == 200);
    long lettersBefore = deadLetters().size();
    double countedBefore = app.counter("projection.dead.letters");

    List<String> users = new ArrayList<>();
    String sessionId = "outage-session-" + UUID.randomUUID();
    postgres.cut();
    try {
      for (int i = 0; i < 10; i++) {
        String userId = "during-outage-" + i + "-" + UUID.randomUUID();
        users.add(userId);
        publish(userId, 0, userCreated(userId));
      }
      publish(
          sessionId,
          0,
          new SessionCreated(
              sessionId,
              UUID.randomUUID(),
              pagingIds.incrementAndGet(),
              users.get(0),
              Map.of(),
              Instant.now()));
      // the outage lasts 10 s, several times what the consumer's quick retries take; nothing may be
      // given up on
      await("nothing dead-lettered while PostgreSQL is down")
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(20))
          .until(() -> deadLetters().size() == lettersBefore);
    } finally {
      postgres.restore();
    }

    for (String userId : users) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> app.get("/api/v1/user/" + userId).statusCode() == 200);
    }
    assertThat(app.get("/api/v1/sessions/" + sessionId).statusCode()).isEqualTo(200);
    assertThat(app.get("/api/v1/user/" + users.get(0) + "/sessions").body()).contains(sessionId);
    assertThat(deadLetters()).hasSize((int) lettersBefore);
    assertThat(app.counter("projection.dead.letters")).isEqualTo(countedBefore);
  }

  @Test
  void readinessIsDownWhileTheDatabaseIsAndUpAgainAfterwardsWithoutARestart() throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.get("/actuator/health/readiness").statusCode() == 200);
    postgres.cut();
    try {
      String during = "readiness-" + UUID.randomUUID();
      publish(during, 0, userCreated(during));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> app.get("/actuator/health/readiness").statusCode() == 503);
      await("readiness stays down while PostgreSQL is")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(15))
          .until(() -> app.get("/actuator/health/readiness").statusCode() == 503);
    } finally {
      postgres.restore();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.get("/actuator/health/readiness").statusCode() == 200);
    assertThat(app.get("/actuator/health").statusCode()).isEqualTo(200);
    String after = "after-readiness-" + UUID.randomUUID();
    publish(after, 0, userCreated(after));
    assertThat(app.get("/api/v1/user/" + after).statusCode()).isEqualTo(200);

    // and it follows the consumer itself
    MessageListenerContainer consumer = app.context().getBean(MessageListenerContainer.class);
    consumer.stop();
    assertThat(app.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
    consumer.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.get("/actuator/health/readiness").statusCode() == 200);
  }

  @Test
  void recordsThatCanNeverApplyAreDeadLetteredOnceAndTheRestIsAppliedAlsoAcrossARestart()
      throws Exception {
    // stopped, so that all of them arrive in one poll when it starts
    app.close();
    String prefix = "batch-" + UUID.randomUUID();
    publishOnPartition0(record(prefix + "-1", 0, userCreated(prefix + "-1")));
    RecordMetadata undecodable = publishOnPartition0(garbage(prefix + "-garbage"));
    publishOnPartition0(record(prefix + "-2", 0, userCreated(prefix + "-2")));
    // valid JSON, decodes, but PostgreSQL refuses a NUL character in jsonb: it fails alone, every
    // time
    RecordMetadata unapplicable =
        publishOnPartition0(
            record(
                prefix + "-nul",
                0,
                new UserCreated(
                    prefix + "-nul",
                    UUID.randomUUID(),
                    pagingIds.incrementAndGet(),
                    null,
                    null,
                    null,
                    Map.of("k", "a\u0000b"),
                    Instant.now())));
    publishOnPartition0(record(prefix + "-3", 0, userCreated(prefix + "-3")));
    RecordMetadata lastUndecodable = publishOnPartition0(garbage(prefix + "-last-garbage"));
    app = QueryService.start();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.get("/api/v1/user/" + prefix + "-3").statusCode() == 200);
    assertThat(app.get("/api/v1/user/" + prefix + "-1").statusCode()).isEqualTo(200);
    assertThat(app.get("/api/v1/user/" + prefix + "-2").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> lettersFor(lastUndecodable).size() >= 1);

    // a restart finds every position, the dead-lettered last record's too, in the database
    app.close();
    app = QueryService.start();
    String after = prefix + "-after-restart";
    publishOnPartition0(record(after, 0, userCreated(after)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.get("/api/v1/user/" + after).statusCode() == 200);

    assertThat(lettersFor(undecodable))
        .singleElement()
        .satisfies(l -> assertThat(reason(l)).startsWith("cannot decode: "));
    assertThat(lettersFor(unapplicable))
        .singleElement()
        .satisfies(l -> assertThat(reason(l)).startsWith("cannot apply: "));
    assertThat(lettersFor(lastUndecodable))
        .singleElement()
        .satisfies(l -> assertThat(reason(l)).startsWith("cannot decode: "));
    assertThat(app.counter("projection.dead.letters")).isZero();
    assertThat(app.get("/api/v1/user/" + prefix + "-nul").statusCode()).isEqualTo(404);
  }

  @Test
  void
      aRecordClaimingAnAppliedSequenceWithOtherContentIsAConflictAndAnIdenticalRedeliveryIsSkipped()
          throws Exception {
    String userId = "forged-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    Instant t0 = Instant.parse("2024-06-01T00:00:00Z");
    PublishedEvent created =
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            0,
            new UserCreated(
                userId, uuid, pagingIds.incrementAndGet(), "real@x.io", null, null, null, t0));
    send(created);
    send(created); // at-least-once publishing: the same event again
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            1,
            new UserUpdated(userId, uuid, "real@x.io", "Marker", null, null, t0.plusSeconds(1))));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> app.get("/api/v1/user/" + userId).body().contains("Marker"));
    assertThat(lettersWithKey(userId)).isEmpty();
    double conflictsBefore = app.counter("projection.conflicts");

    // someone else writes to the topic: sequence 1 again, other content
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            1,
            new UserUpdated(userId, uuid, "evil@x.io", "Marker", null, null, t0.plusSeconds(1))));
    // and a forged sequence 2 before the real one: the real one is then the conflict
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            2,
            new UserUpdated(userId, uuid, "ahead@x.io", "Marker", null, null, t0.plusSeconds(2))));
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            2,
            new UserUpdated(userId, uuid, "real2@x.io", "Marker", null, null, t0.plusSeconds(2))));
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            3,
            new UserUpdated(userId, uuid, "real3@x.io", "After", null, null, t0.plusSeconds(3))));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> app.get("/api/v1/user/" + userId).body().contains("After"));
    await().atMost(Duration.ofSeconds(20)).until(() -> lettersWithKey(userId).size() >= 2);
    List<ConsumerRecord<String, byte[]>> letters = lettersWithKey(userId);
    assertThat(letters).hasSize(2).allSatisfy(l -> assertThat(reason(l)).startsWith("conflict: "));
    assertThat(letters)
        .extracting(l -> new String(l.value(), StandardCharsets.UTF_8))
        .anyMatch(v -> v.contains("evil@x.io"))
        .anyMatch(v -> v.contains("real2@x.io"));
    assertThat(app.counter("projection.conflicts") - conflictsBefore).isEqualTo(2);
    assertThat(app.get("/api/v1/user/" + userId).body()).contains("real3@x.io");
  }

  @Test
  void aRebuildPassesOverWhatTheLiveProjectionDeadLetteredAndGivesTheSameAnswers()
      throws Exception {
    String userId = "rebuilt-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    Instant t0 = Instant.parse("2024-06-01T00:00:00Z");
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            0,
            new UserCreated(
                userId, uuid, pagingIds.incrementAndGet(), "kept@x.io", null, null, null, t0)));
    // the same sequence with other content: a conflict, dead-lettered
    send(
        new PublishedEvent(
            UUID.randomUUID().toString(),
            t0,
            userId,
            0,
            new UserCreated(
                userId, uuid, pagingIds.incrementAndGet(), "forged@x.io", null, null, null, t0)));
    publish(userId, 1, new UserUpdated(userId, uuid, "kept@x.io", "Kept", null, null, t0));
    RecordMetadata garbage = publishOnPartition0(garbage(userId + "-garbage"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lettersWithKey(userId).size() == 1 && lettersFor(garbage).size() == 1);
    assertThat(app.get("/api/v1/user/" + userId).body()).contains("Kept");

    String before = app.get("/api/v1/user").body() + "\n" + app.get("/api/v1/sessions").body();
    assertThat(before).contains(userId).contains("kept@x.io").doesNotContain("forged@x.io");
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/api/v1/admin/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !app.get("/api/v1/admin/rebuild")
                    .body()
                    .matches(".*\"state\":\"(preparing|building|switching)\".*"));
    assertThat(app.get("/api/v1/admin/rebuild").body()).contains("\"state\":\"done\"");
    assertThat(app.get("/api/v1/user").body() + "\n" + app.get("/api/v1/sessions").body())
        .isEqualTo(before);
  }

  // --- helpers

  private static ProducerRecord<String, byte[]> record(String key, long sequence, ZepEvent event) {
    return CloudEventsKafka.toRecord(
        generations.currentTopic(),
        new PublishedEvent(UUID.randomUUID().toString(), Instant.now(), key, sequence, event));
  }

  private static ProducerRecord<String, byte[]> garbage(String key) {
    ProducerRecord<String, byte[]> garbage =
        new ProducerRecord<>(
            generations.currentTopic(), key, "{not an event".getBytes(StandardCharsets.UTF_8));
    garbage.headers().add("ce_type", "user.created".getBytes(StandardCharsets.UTF_8));
    return garbage;
  }

  private static void publish(String key, long sequence, ZepEvent event) throws Exception {
    producer.send(record(key, sequence, event)).get();
  }

  private static void send(PublishedEvent event) throws Exception {
    producer.send(CloudEventsKafka.toRecord(generations.currentTopic(), event)).get();
  }

  /**
   * @return where it landed
   */
  private static RecordMetadata publishOnPartition0(ProducerRecord<String, byte[]> r)
      throws Exception {
    return producer
        .send(new ProducerRecord<>(r.topic(), 0, r.timestamp(), r.key(), r.value(), r.headers()))
        .get();
  }

  private static String reason(ConsumerRecord<String, byte[]> letter) {
    return header(letter, "dlt_reason");
  }

  private static String header(ConsumerRecord<String, byte[]> letter, String name) {
    Header h = letter.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<String, byte[]>> lettersFor(RecordMetadata original) {
    return deadLetters().stream()
        .filter(
            l ->
                original.topic().equals(header(l, "dlt_original_topic"))
                    && Integer.toString(original.partition())
                        .equals(header(l, "dlt_original_partition"))
                    && Long.toString(original.offset()).equals(header(l, "dlt_original_offset")))
        .toList();
  }

  private static List<ConsumerRecord<String, byte[]>> lettersWithKey(String key) {
    return deadLetters().stream().filter(l -> key.equals(l.key())).toList();
  }

  /** Everything on the dead-letter topic so far. */
  private static List<ConsumerRecord<String, byte[]>> deadLetters() {
    try (KafkaConsumer<String, byte[]> dlt =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(DLT, 0);
      dlt.assign(List.of(partition));
      dlt.seekToBeginning(List.of(partition));
      long end = dlt.endOffsets(List.of(partition)).get(partition);
      List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
      while (dlt.position(partition) < end) {
        dlt.poll(Duration.ofMillis(200)).forEach(letters::add);
      }
      return letters;
    }
  }

  /**
   * query-service as its own application, so that a test can stop and start it on the same database
   * and group.
   */
  record QueryService(ConfigurableApplicationContext context, int port) implements AutoCloseable {

    static QueryService start() {
      ConfigurableApplicationContext context =
          new SpringApplicationBuilder(QueryServiceApplication.class)
              .run(
                  "--server.port=0",
                  "--spring.datasource.url=" + jdbcUrl,
                  // an outage is noticed within a second, not Hikari's default 30 s
                  "--spring.datasource.hikari.connection-timeout=1000",
                  "--zep.kafka.bootstrap-servers=" + TestInfra.kafkaBootstrapServers(),
                  "--zep.kafka.topic=" + TOPIC,
                  "--zep.command-service.url=" + generations.url(),
                  "--zep.kafka.dead-letter-topic=" + DLT,
                  "--zep.kafka.group-id=" + GROUP,
                  "--zep.consistency.read-timeout=2s",
                  "--zep.projection.retry-initial-interval=100ms",
                  "--zep.projection.retry-max-interval=1s",
                  "--zep.projection.unready-after=1s");
      return new QueryService(
          context, Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    HttpResponse<String> get(String path) {
      try {
        return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    double counter(String name) {
      Counter counter = context.getBean(MeterRegistry.class).find(name).counter();
      return counter == null ? Double.NaN : counter.count();
    }

    @Override
    public void close() {
      context.close();
    }
  }
}
