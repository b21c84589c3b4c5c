package io.zepusers.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.TopicGenerations;
import io.zepusers.testinfra.EventContract;
import io.zepusers.testinfra.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A new generation of the topic, built from the event store while writes go on, takes over without
 * a gap.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GenerationsIT {

  static final String TOPIC = TestInfra.uniqueName("gen-events");

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("commands"));
    registry.add("zep.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("zep.kafka.topic", () -> TOPIC);
    registry.add("zep.kafka.retention", () -> "3d");
  }

  /**
   * Where the service's clock stands: events can be made to have occurred long ago, as a store's
   * first ones did.
   */
  static final AtomicReference<Instant> now = new AtomicReference<>();

  @TestConfiguration
  static class MovableClock {
    @Bean
    @Primary
    Clock movableClock() {
      return new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          Instant set = now.get();
          return set == null ? Instant.now() : set;
        }
      };
    }
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  final HttpClient http = HttpClient.newHttpClient();
  final JsonMapper json = JsonMapper.builder().build();

  @Test
  @Order(1)
  void aRebuiltGenerationHoldsTheWholeStoreInOrderAndTakesOverWhileWritesGoOn() throws Exception {
    // these happened long ago, longer than the topic keeps records
    now.set(Instant.parse("2024-01-01T00:00:00Z"));
    String deleted = "gone-" + UUID.randomUUID();
    send(
        "POST",
        "/api/v1/user",
        "{\"user_id\":\""
            + deleted
            + "\",\"email\":\"erase-me@x.io\",\"first_name\":\"Erase-Me\"}");
    send("PATCH", "/api/v1/user/" + deleted, "{\"metadata\":{\"secret\":\"shred-me\"}}");
    assertThat(send("DELETE", "/api/v1/user/" + deleted, null).statusCode()).isEqualTo(200);
    for (int i = 0; i < 40; i++) {
      String id = "before-" + i;
      send("POST", "/api/v1/user", "{\"user_id\":\"" + id + "\",\"email\":\"" + id + "@x.io\"}");
      send("PATCH", "/api/v1/user/" + id, "{\"first_name\":\"F" + i + "\"}");
    }
    now.set(null);
    long built = System.currentTimeMillis();

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                int n = written.incrementAndGet();
                try {
                  HttpResponse<String> r =
                      send("POST", "/api/v1/user", "{\"user_id\":\"during-" + n + "\"}");
                  if (r.statusCode() != 201) {
                    failures.add(r.statusCode() + " " + r.body());
                  }
                  send("PATCH", "/api/v1/user/during-" + n, "{\"last_name\":\"L" + n + "\"}");
                } catch (Exception e) {
                  failures.add(e.toString());
                }
              }
            });
    writer.start();

    HttpResponse<String> started = send("POST", "/api/v1/admin/generations", null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(json.readTree(started.body()).get("topic").asString()).isEqualTo(TOPIC + ".g2");
    assertThat(send("POST", "/api/v1/admin/generations", null).statusCode()).isEqualTo(409);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              JsonNode g2 = generation(2);
              return g2.get("position").isNumber()
                  && g2.get("position").asLong() >= g2.get("store_position").asLong() - 20;
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> written.get() > 60);
    HttpResponse<String> takeover = send("POST", "/api/v1/admin/generations/2/takeover", null);
    assertThat(takeover.statusCode()).as(takeover.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> written.get() > 100);
    writing.set(false);
    writer.join();
    assertThat(failures).isEmpty();

    HttpResponse<String> after =
        send("POST", "/api/v1/user", "{\"user_id\":\"after-" + UUID.randomUUID() + "\"}");
    assertThat(after.headers().firstValue("X-Consistency-Token"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("2@"));
    assertThat(generation(1).get("state").asString()).isEqualTo("retired");
    assertThat(generation(2).get("state").asString()).isEqualTo("current");

    // every stored event is in the new generation, once, in each stream's order
    Map<String, Long> stored = new HashMap<>();
    jdbc.query(
        "SELECT aggregateidentifier, max(sequencenumber) FROM domainevententry GROUP BY aggregateidentifier",
        rs -> {
          stored.put(rs.getString(1), rs.getLong(2));
        });
    List<ConsumerRecord<String, byte[]>> g2 = readAll(TOPIC + ".g2");
    Map<String, Long> last = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : g2) {
      String aggregate = header(r, CloudEventsKafka.AGGREGATE_ID);
      long sequence = Long.parseLong(header(r, CloudEventsKafka.SEQUENCE));
      assertThat(seen.add(aggregate + "#" + sequence))
          .as("%s#%d twice", aggregate, sequence)
          .isTrue();
      assertThat(sequence).as(aggregate).isEqualTo(last.getOrDefault(aggregate, -1L) + 1);
      last.put(aggregate, sequence);
    }
    assertThat(last).isEqualTo(stored);
    String everything =
        String.join(
            "\n", g2.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
    assertThat(everything)
        .contains("before-7@x.io")
        .doesNotContain("erase-me@x.io", "Erase-Me", "shred-me");

    // Retention counts from when a record was written, not from when its event happened: stamped
    // with its event's time, the broker deleted a rebuilt generation's old records as soon as their
    // segment closed
    assertThat(g2)
        .allSatisfy(
            r -> {
              assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
              assertThat(r.timestamp()).isGreaterThanOrEqualTo(built);
            });
    assertThat(g2)
        .anySatisfy(r -> assertThat(header(r, CloudEventsKafka.TIME)).startsWith("2024-01-01T"));

    // what the services produced, in both generations and the markers between them, follows
    // docs/asyncapi.yaml
    List<ConsumerRecord<String, byte[]>> g1 = readAll(TOPIC);
    g1.forEach(EventContract.get()::check);
    g2.forEach(EventContract.get()::check);

    // the old generation ends on every partition with a marker naming the new one, and nothing
    // follows it
    Map<Integer, ConsumerRecord<String, byte[]>> lastOfPartition = new HashMap<>();
    g1.forEach(r -> lastOfPartition.put(r.partition(), r));
    assertThat(lastOfPartition).hasSize(3);
    assertThat(lastOfPartition.values())
        .allSatisfy(
            r -> {
              assertThat(TopicGenerations.isEnded(r)).isTrue();
              assertThat(TopicGenerations.nextTopic(r)).isEqualTo(TOPIC + ".g2");
            });

    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers()))) {
      for (String topic : List.of(TOPIC, TOPIC + ".g2")) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value())
            .isEqualTo(Long.toString(Duration.ofDays(3).toMillis()));
        assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value())
            .isEqualTo("LogAppendTime");
      }
    }
  }

  @Test
  @Order(2)
  void anAbandonedGenerationLeavesTheCurrentOneAlone() throws Exception {
    send("POST", "/api/v1/user", "{\"user_id\":\"abandon-" + UUID.randomUUID() + "\"}");
    HttpResponse<String> started = send("POST", "/api/v1/admin/generations", null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    int generation = json.readTree(started.body()).get("generation").asInt();
    assertThat(send("DELETE", "/api/v1/admin/generations/" + generation, null).statusCode())
        .isEqualTo(204);
    assertThat(generation(generation).get("state").asString()).isEqualTo("failed");
    assertThat(
            send("POST", "/api/v1/admin/generations/" + generation + "/takeover", null)
                .statusCode())
        .isEqualTo(409);
    HttpResponse<String> write =
        send("POST", "/api/v1/user", "{\"user_id\":\"abandon-" + UUID.randomUUID() + "\"}");
    assertThat(write.statusCode()).isEqualTo(201);
  }

  private JsonNode generation(int n) throws Exception {
    for (JsonNode g : json.readTree(send("GET", "/api/v1/admin/generations", null).body())) {
      if (g.get("generation").asInt() == n) {
        return g;
      }
    }
    throw new AssertionError("no generation " + n);
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
