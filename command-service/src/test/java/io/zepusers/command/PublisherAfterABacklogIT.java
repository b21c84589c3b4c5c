package io.zepusers.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zepusers.command.consistency.PublisherPosition;
import io.zepusers.events.EventTypes;
import io.zepusers.events.UserCreated;
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
import java.util.UUID;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The publisher follows the store at once again after it has worked through a backlog (a Kafka
 * outage, a restart behind, a burst of writes). Through Axon's embedded event store it did not: a
 * backlog larger than the store's event cache (10,000 events) left the publisher reading its own
 * stream while the cache stood where the backlog began, and it could never rejoin the cache. Each
 * write then waited for the processor's next poll, about a second, until the service restarted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PublisherAfterABacklogIT {

  /** Several times the embedded event store's cache, which the publisher used to fall out of. */
  static final int BACKLOG = 40_000;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("commands"));
    registry.add("zep.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("zep.kafka.topic", () -> TestInfra.uniqueName("backlog-events"));
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired PublisherPosition publisher;

  @Autowired
  @Qualifier("eventSerializer") Serializer events;

  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void writesArePublishedAtOnceAfterTheBacklogIsPublished() throws Exception {
    assertThat(create("before-the-backlog").statusCode()).isEqualTo(201);

    // the backlog arrives faster than the publisher sends it to Kafka, as after an outage
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < BACKLOG; i++) {
      UserCreated event =
          new UserCreated("backlog-" + i, UUID.randomUUID(), 1_000 + i, null, null, null, null, t);
      rows.add(
          new Object[] {
            event.userId(),
            UUID.randomUUID().toString(),
            "{}".getBytes(StandardCharsets.UTF_8),
            events.serialize(event, byte[].class).getData(),
            EventTypes.nameOf(event),
            t.toString()
          });
    }
    jdbc.batchUpdate(
        "INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload, payloadtype, \"timestamp\") "
            + "VALUES (?, 0, 'UserAggregate', ?, ?, ?, ?, ?)",
        rows);
    long head = jdbc.queryForObject("SELECT max(globalindex) FROM domainevententry", Long.class);
    await().atMost(Duration.ofMinutes(3)).until(() -> publisher.reached(head));

    // a write returns once Kafka has its event: at once, not at the publisher's next poll
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      assertThat(create("after-the-backlog-" + i).statusCode()).isEqualTo(201);
      millis.add((System.nanoTime() - t0) / 1_000_000);
    }
    List<Long> sorted = millis.stream().sorted().toList();
    assertThat(sorted.get(sorted.size() / 2))
        .as("median of five writes' milliseconds %s", millis)
        .isLessThan(500);
  }

  private HttpResponse<String> create(String userId) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/user"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"" + userId + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
