package io.zepusers.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserUpdated;
import io.zepusers.testinfra.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two query-service instances share the read models and the consumer group. A rebuild on one of
 * them, while both serve reads and writes go on, loses nothing: afterwards both answer exactly as a
 * third instance that built everything from scratch.
 */
class TwoInstancesRebuildIT {

  static final String TOPIC = TestInfra.uniqueName("two-rebuild-events");
  static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRebuildWhileTwoInstancesServeAndWritesGoOnLosesNothing() throws Exception {
    TestInfra.createEventTopic(TOPIC, 3);
    String shared = TestInfra.newDatabase("queries_two");
    String group = TestInfra.uniqueName("two-rebuild");
    Map<String, String> lastName = new ConcurrentHashMap<>();
    AtomicLong ids = new AtomicLong();
    try (GenerationStandIn generations = new GenerationStandIn(TOPIC);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestInfra.kafkaBootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        App a = App.start(shared, group, generations);
        App b = App.start(shared, group, generations)) {
      for (int i = 0; i < 300; i++) {
        write(generations, producer, "u" + i, lastName, ids);
      }

      AtomicBoolean going = new AtomicBoolean(true);
      List<String> failures = new ArrayList<>();
      AtomicLong reads = new AtomicLong();
      Thread writer =
          new Thread(
              () -> {
                int n = 0;
                while (going.get()) {
                  try {
                    write(generations, producer, "w" + (n++ % 150), lastName, ids);
                  } catch (Exception e) {
                    failures.add(e.toString());
                  }
                }
              });
      Thread reader =
          new Thread(
              () -> {
                int n = 0;
                while (going.get()) {
                  App app = n % 2 == 0 ? a : b;
                  HttpResponse<String> r = app.get("/api/v1/user/u" + (n++ % 300));
                  reads.incrementAndGet();
                  if (r.statusCode() != 200) {
                    failures.add(app.port + ": " + r.statusCode() + " " + r.body());
                  }
                }
              });
      writer.start();
      reader.start();

      HttpResponse<String> started = a.post("/api/v1/admin/rebuild");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  !a.get("/api/v1/admin/rebuild")
                      .body()
                      .matches(".*\"state\":\"(preparing|building|switching)\".*"));
      assertThat(a.get("/api/v1/admin/rebuild").body()).contains("\"state\":\"done\"");
      // writes and reads go on after the switch, on both
      long readsAtSwitch = reads.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> reads.get() > readsAtSwitch + 100);
      going.set(false);
      writer.join();
      reader.join();
      assertThat(failures).isEmpty();
      assertThat(generations.currentTopic()).isEqualTo(TOPIC + ".g2");

      // every write is there, on both instances (default reads wait for the topic's end)
      String dumpA = dump(a);
      String dumpB = dump(b);
      assertThat(dumpB).isEqualTo(dumpA);
      lastName.forEach(
          (user, last) ->
              assertThat(a.get("/api/v1/user/" + user).body())
                  .contains("\"last_name\":\"" + last + "\""));

      // and both answer as an instance that built everything from scratch, from the new generation
      try (App fresh =
          App.start(
              TestInfra.newDatabase("queries_fresh"), TestInfra.uniqueName("fresh"), generations)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    fresh.get("/api/v1/user/" + lastName.keySet().iterator().next()).statusCode()
                        == 200);
        assertThat(dump(fresh)).isEqualTo(dumpA);
      }
    }
  }

  private static void write(
      GenerationStandIn generations,
      KafkaProducer<String, byte[]> producer,
      String user,
      Map<String, String> lastName,
      AtomicLong ids)
      throws Exception {
    Instant now = Instant.now();
    String last = "L" + UUID.randomUUID();
    if (!lastName.containsKey(user)) {
      generations.publish(
          producer,
          event(
              user,
              0,
              new UserCreated(
                  user,
                  UUID.nameUUIDFromBytes(user.getBytes()),
                  ids.incrementAndGet(),
                  null,
                  null,
                  last,
                  null,
                  now)));
      lastName.put(user, last);
      sequences.put(user, 0L);
      return;
    }
    long sequence = sequences.merge(user, 1L, Long::sum);
    generations.publish(
        producer,
        event(
            user,
            sequence,
            new UserUpdated(
                user, UUID.nameUUIDFromBytes(user.getBytes()), null, null, last, null, now)));
    lastName.put(user, last);
  }

  private static final Map<String, Long> sequences = new ConcurrentHashMap<>();

  private static PublishedEvent event(
      String user, long sequence, io.zepusers.events.ZepEvent data) {
    return new PublishedEvent(UUID.randomUUID().toString(), Instant.now(), user, sequence, data);
  }

  private static String dump(App app) {
    StringBuilder dump = new StringBuilder(app.get("/api/v1/user").body());
    for (int i = 0; i < 300; i += 7) {
      dump.append('\n').append(app.get("/api/v1/user/u" + i + "/events").body());
    }
    return dump.toString();
  }

  record App(ConfigurableApplicationContext context, int port) implements AutoCloseable {

    static App start(String jdbcUrl, String group, GenerationStandIn generations) {
      ConfigurableApplicationContext context =
          new SpringApplicationBuilder(QueryServiceApplication.class)
              .run(
                  "--server.port=0",
                  "--spring.datasource.url=" + jdbcUrl,
                  "--zep.kafka.bootstrap-servers=" + TestInfra.kafkaBootstrapServers(),
                  "--zep.kafka.topic=" + TOPIC,
                  "--zep.kafka.dead-letter-topic=" + TOPIC + ".dlt",
                  "--zep.kafka.group-id=" + group,
                  "--zep.command-service.url=" + generations.url(),
                  "--zep.consistency.read-timeout=10s");
      return new App(
          context, Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    HttpResponse<String> get(String path) {
      return send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(30))
              .build());
    }

    HttpResponse<String> post(String path) {
      return send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      context.close();
    }
  }
}
