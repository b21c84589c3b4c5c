package io.zepusers.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zepusers.command.consistency.PublisherPosition;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.testinfra.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two command-service instances sharing one event store and topic, as when scaled out: one of them
 * holds the publisher; writes through either answer only once published, concurrent writes to one
 * user through both are serialised by the event store (and retried), and every event reaches Kafka
 * once.
 */
class TwoInstancesIT {

  static final String TOPIC = TestInfra.uniqueName("two-instances");
  static final List<ConfigurableApplicationContext> instances = new ArrayList<>();
  static final List<String> urls = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  final JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  static void startTwo() {
    String database = TestInfra.newDatabase("commands_two");
    for (int i = 0; i < 2; i++) {
      ConfigurableApplicationContext context =
          new SpringApplicationBuilder(CommandServiceApplication.class)
              .run(
                  "--server.port=0",
                  "--spring.datasource.url=" + database,
                  "--zep.kafka.bootstrap-servers=" + TestInfra.kafkaBootstrapServers(),
                  "--zep.kafka.topic=" + TOPIC,
                  "--zep.consistency.publish-timeout=5s");
      instances.add(context);
      urls.add("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }
  }

  @AfterAll
  static void stop() {
    instances.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void writesThroughEitherInstanceAreStoredPublishedOnceAndAnsweredWithoutWaitingTheBound()
      throws Exception {
    String userId = "scaled-" + UUID.randomUUID();
    HttpResponse<String> created = create(urls.get(1), userId);
    assertThat(created.headers().firstValue("X-Consistency-Warning"))
        .as("published, whichever instance publishes")
        .isEmpty();

    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<HttpResponse<String>>> updates = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String body = "{\"metadata\":{\"k" + i + "\":" + i + "}}";
      String url = urls.get(i % 2);
      updates.add(pool.submit(() -> send(url, "PATCH", "/api/v1/user/" + userId, body)));
    }
    for (Future<HttpResponse<String>> update : updates) {
      HttpResponse<String> answer = update.get();
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.headers().firstValue("X-Consistency-Warning")).isEmpty();
    }
    pool.shutdown();

    // no update was lost: the last state holds every key, each merged onto the one before
    HttpResponse<String> last = send(urls.get(0), "PATCH", "/api/v1/user/" + userId, "{}");
    Map<String, Object> metadata =
        json.readValue(json.readTree(last.body()).get("metadata").toString(), Map.class);
    assertThat(metadata).hasSize(30);

    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestInfra.uniqueName("two-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      Map<Long, Integer> perSequence = new HashMap<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  if (userId.equals(record.key())) {
                    perSequence.merge(
                        CloudEventsKafka.fromRecord(record).sequence(), 1, Integer::sum);
                  }
                }
                return perSequence.size() == 32;
              });
      assertThat(perSequence.values()).as("each event published once").containsOnly(1);
    }
  }

  /**
   * A write through the instance that does not hold the publisher answers once the publisher, on
   * the other instance, has published it; that one finds it at its next poll of the store ({@code
   * zep.publisher.poll-interval}). Ten writes one after another: with the poll at 1 s each waited
   * for about a second.
   */
  @Test
  void writesThroughTheInstanceWithoutThePublisherAnswerWithinAFewPolls() throws Exception {
    String userId = "elsewhere-" + UUID.randomUUID();
    create(urls.get(0), userId);
    String elsewhere =
        await().atMost(Duration.ofSeconds(30)).until(this::withoutThePublisher, url -> url != null);
    long started = System.nanoTime();
    int writes = 10;
    for (int i = 0; i < writes; i++) {
      String body = "{\"metadata\":{\"n\":" + i + "}}";
      HttpResponse<String> answer = send(elsewhere, "PATCH", "/api/v1/user/" + userId, body);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.headers().firstValue("X-Consistency-Warning")).isEmpty();
    }
    long meanMillis = Duration.ofNanos(System.nanoTime() - started).toMillis() / writes;
    assertThat(meanMillis).as("mean ms per write through %s", elsewhere).isLessThan(300);
  }

  /** The url of the instance whose publisher holds no segment while the other's holds one. */
  private String withoutThePublisher() {
    List<Boolean> here =
        instances.stream().map(c -> c.getBean(PublisherPosition.class).publishesHere()).toList();
    return here.equals(List.of(true, false))
        ? urls.get(1)
        : here.equals(List.of(false, true)) ? urls.get(0) : null;
  }

  /**
   * A burst of updates of one user through both instances at once: each instance serialises its own
   * writers of the user, so the two instances race at the event store on nearly every write, and a
   * command can lose several times in a row. Every update is still stored, and answered 200.
   */
  @Test
  void aBurstOfUpdatesOfOneUserThroughBothInstancesIsAllStoredAndAnswered200() throws Exception {
    String userId = "burst-" + UUID.randomUUID();
    create(urls.get(0), userId);
    int writers = 16;
    int updates = 96;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier start = new CyclicBarrier(writers);
    List<Future<List<HttpResponse<String>>>> answers = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      answers.add(
          pool.submit(
              () -> {
                start.await();
                List<HttpResponse<String>> mine = new ArrayList<>();
                for (int i = writer; i < updates; i += writers) {
                  String body = "{\"metadata\":{\"k" + i + "\":" + i + "}}";
                  mine.add(send(urls.get(i % 2), "PATCH", "/api/v1/user/" + userId, body));
                }
                return mine;
              }));
    }
    try {
      for (Future<List<HttpResponse<String>>> writer : answers) {
        for (HttpResponse<String> answer : writer.get()) {
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
      }
    } finally {
      pool.shutdown();
    }
    HttpResponse<String> last = send(urls.get(1), "PATCH", "/api/v1/user/" + userId, "{}");
    assertThat(json.readTree(last.body()).get("metadata").size()).isEqualTo(updates);
  }

  /**
   * Creates of one new user id through both instances at once: the event store lets one stream
   * start; a create that lost there is run again and answers "already exists". Rounds go on until a
   * create has lost at the store (each instance serialises its own writers of one id, so only the
   * two instances can race there), and every round must end with exactly one user.
   */
  @Test
  void concurrentCreatesOfOneUserIdGiveExactlyOneUserEvenWhenOneLosesAtTheStore() throws Exception {
    double conflictsBefore = createConflicts();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 30 && createConflicts() == conflictsBefore; round++) {
        String body = "{\"user_id\":\"race-" + UUID.randomUUID() + "\"}";
        CyclicBarrier start = new CyclicBarrier(8);
        List<Future<HttpResponse<String>>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          String url = urls.get(i % 2);
          creates.add(
              pool.submit(
                  () -> {
                    start.await();
                    return send(url, "POST", "/api/v1/user", body);
                  }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<String>> create : creates) {
          statuses.add(create.get().statusCode());
        }
        assertThat(statuses).containsOnly(201, 400);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(createConflicts())
        .as("a create lost the race at the event store (and was answered after a retry)")
        .isGreaterThan(conflictsBefore);
  }

  /**
   * A republish asked of either instance, the one holding the publisher or the other: accepted,
   * reported running until every stored event went out again, and then ended, on the instance that
   * was asked.
   */
  @Test
  void aRepublishAskedOfEitherInstanceRunsAndEnds() throws Exception {
    String userId = "republished-" + UUID.randomUUID();
    create(urls.get(0), userId);
    for (String url : urls) {
      HttpResponse<String> started = send(url, "POST", "/api/v1/admin/republish", "");
      assertThat(started.statusCode()).as(url + ": " + started.body()).isEqualTo(202);
      assertThat(json.readTree(started.body()).get("republishing").asBoolean()).isTrue();
      await("the republish asked of " + url + " ends")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !json.readTree(send(url, "GET", "/admin/republish", "").body())
                      .get("republishing")
                      .asBoolean());
    }
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(TOPIC).stream()
              .map(p -> new TopicPartition(TOPIC, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      int created = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          created += userId.equals(record.key()) ? 1 : 0;
        }
      }
      assertThat(created).as("the user's one event: published, then twice again").isEqualTo(3);
    }
  }

  private static double createConflicts() {
    return instances.stream()
        .mapToDouble(
            context ->
                context
                    .getBean(MeterRegistry.class)
                    .find("commands.conflicts")
                    .tag("type", "CreateUser")
                    .counters()
                    .stream()
                    .mapToDouble(Counter::count)
                    .sum())
        .sum();
  }

  /** Creates the user through the instance at {@code url}; answered 201. */
  private HttpResponse<String> create(String url, String userId) throws Exception {
    HttpResponse<String> created =
        send(url, "POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created;
  }

  private HttpResponse<String> send(String base, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
