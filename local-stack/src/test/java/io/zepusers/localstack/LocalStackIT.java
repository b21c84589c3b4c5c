package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system as separate processes (real PostgreSQL, a real Kafka broker, the three service
 * jars), exercised only through the gateway, the way a Zep client sees it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path repoRoot;
  private static LocalStackConfig config;
  private static LocalStack.Running stack;

  @BeforeAll
  static void startStack() {
    repoRoot = Path.of(System.getProperty("zep.repo.root", "..")).toAbsolutePath().normalize();
    config =
        LocalStackConfig.defaults()
            .jarsFrom(repoRoot)
            .dataDir(repoRoot.resolve("local-stack/target/local-stack-it"))
            .clean(true)
            .gatewayPort(0)
            .kafkaPort(0)
            .postgresPort(0);
    stack = LocalStack.start(config);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void userLifecycleThroughTheGateway() throws Exception {
    String userId = "it-" + UUID.randomUUID();

    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/user",
            """
                {"user_id":"%s","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace",
                 "metadata":{"profile":{"lang":"en","level":1},"tags":["a","b"]}}"""
                .formatted(userId));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode user = JSON.readTree(created.body());
    assertThat(user.path("user_id").asText()).isEqualTo(userId);
    assertThat(user.path("uuid").asText()).isNotBlank();
    assertThat(user.path("id").asLong()).isPositive();
    assertThat(user.path("created_at").asText()).isNotBlank();
    assertThat(user.path("email").asText()).isEqualTo("ada@example.com");
    String firstUuid = user.path("uuid").asText();
    long firstId = user.path("id").asLong();

    JsonNode read = readUser(userId, u -> u.path("uuid").asText().equals(firstUuid));
    assertThat(read.path("id").asLong()).isEqualTo(firstId);
    assertThat(read.path("first_name").asText()).isEqualTo("Ada");

    HttpResponse<String> duplicate =
        send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
    assertThat(duplicate.statusCode()).isEqualTo(400);
    assertThat(duplicate.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(duplicate.body()).startsWith("bad request:");

    HttpResponse<String> patched =
        send(
            "PATCH",
            "/api/v1/user/" + userId,
            "{\"first_name\":\"Augusta\",\"metadata\":{\"profile\":{\"level\":2,\"team\":\"x\"}}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonNode merged = readUser(userId, u -> u.path("first_name").asText().equals("Augusta"));
    assertThat(merged.path("metadata").path("profile").path("lang").asText()).isEqualTo("en");
    assertThat(merged.path("metadata").path("profile").path("level").asInt()).isEqualTo(2);
    assertThat(merged.path("metadata").path("profile").path("team").asText()).isEqualTo("x");
    assertThat(merged.path("metadata").path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(merged.path("last_name").asText()).isEqualTo("Lovelace");

    HttpResponse<String> list = send("GET", "/api/v1/user", null);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode all = JSON.readTree(list.body());
    assertThat(all.isArray()).isTrue();
    assertThat(all.findValuesAsText("user_id")).contains(userId);

    HttpResponse<String> deleted = send("DELETE", "/api/v1/user/" + userId, null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo("OK");
    HttpResponse<String> gone = send("GET", "/api/v1/user/" + userId, null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).startsWith("not found");

    HttpResponse<String> again =
        send(
            "POST",
            "/api/v1/user",
            "{\"user_id\":\"" + userId + "\",\"email\":\"again@example.com\"}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    JsonNode reborn = JSON.readTree(again.body());
    assertThat(reborn.path("uuid").asText()).isNotEqualTo(firstUuid);
    assertThat(reborn.path("id").asLong()).isGreaterThan(firstId);
    String rebornUuid = reborn.path("uuid").asText();
    readUser(userId, u -> u.path("uuid").asText().equals(rebornUuid));

    HttpResponse<String> health = send("GET", "/healthz", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo(".");
    assertThat(health.headers().firstValue("X-Zep-Version")).isPresent();
  }

  /**
   * On a host with at most three CPUs, every service's JVM was started with two C2 compiler threads
   * and without uncommon traps (the stack's defaults there); on a larger host, with the JVM's own
   * choices.
   */
  @Test
  @Order(2)
  void servicesGetTheSmallHostJitOnAHostWithFewCpus() {
    List<String> expected =
        Runtime.getRuntime().availableProcessors() <= 3
            ? List.of("-XX:CICompilerCount=3", "-XX:PerMethodTrapLimit=0")
            : List.of();
    for (String part : LocalStack.SERVICES) {
      List<String> arguments =
          List.of(ProcessHandle.of(stack.pid(part)).orElseThrow().info().arguments().orElseThrow());
      assertThat(arguments).as(part + "'s JVM options").containsAll(expected);
    }
  }

  /**
   * Every service runs with two malloc arenas (so glibc keeps less freed native memory per thread),
   * unless the environment the stack started from sets its own value, which wins.
   */
  @Test
  @Order(2)
  void servicesRunWithTwoMallocArenasUnlessTheEnvironmentSaysOtherwise() throws IOException {
    String expected = System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2");
    for (String part : LocalStack.SERVICES) {
      // only this variable, so that a failure does not print the rest of the environment
      List<String> arenas =
          Stream.of(
                  Files.readString(Path.of("/proc", Long.toString(stack.pid(part)), "environ"))
                      .split("\0"))
              .filter(v -> v.startsWith("MALLOC_ARENA_MAX="))
              .toList();
      assertThat(arenas)
          .as(part + "'s environment")
          .containsExactly("MALLOC_ARENA_MAX=" + expected);
    }
  }

  /**
   * What PostgreSQL commits is on disk before a service answers for it: zonky's embedded server
   * starts with fsync off, under which a crash of the machine can lose commits or corrupt the
   * cluster.
   */
  @Test
  @Order(2)
  void postgresFlushesWhatItCommitsToDisk() throws Exception {
    for (String url : List.of(stack.commandsJdbcUrl(), stack.queriesJdbcUrl())) {
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
          try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            assertThat(rs.getString(1)).as(setting + " in " + url).isEqualTo("on");
          }
        }
      }
    }
  }

  /**
   * The whole API in one OpenAPI document through the gateway: every operation of both services,
   * and Swagger UI.
   */
  @Test
  @Order(2)
  void theGatewayServesBothServicesApiDescriptionsAsOneWithSwaggerUi() throws Exception {
    HttpResponse<String> merged = get("/v3/api-docs", null);
    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
    JsonNode paths = JSON.readTree(merged.body()).path("paths");
    int operations = 0;
    for (String service : List.of(stack.commandServiceUrl(), stack.queryServiceUrl())) {
      HttpResponse<String> own =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(service + "/v3/api-docs")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(own.statusCode()).isEqualTo(200);
      JsonNode ownPaths = JSON.readTree(own.body()).path("paths");
      for (var path : (Iterable<Map.Entry<String, JsonNode>>) ownPaths::fields) {
        for (var method : (Iterable<String>) () -> path.getValue().fieldNames()) {
          assertThat(paths.path(path.getKey()).has(method))
              .as("%s %s through the gateway", method, path.getKey())
              .isTrue();
          operations++;
        }
      }
    }
    assertThat(operations).isGreaterThan(20);
    assertThat(paths.path("/api/v1/user").has("post")).isTrue();
    assertThat(paths.path("/api/v1/user").has("get")).isTrue();
    assertThat(get("/swagger-ui.html", null).statusCode()).isIn(200, 302);
    assertThat(get("/webjars/swagger-ui/index.html", null).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void officialZepJsClientScenarioPasses() throws Exception {
    Path client = repoRoot.resolve("clients/zep-js");
    assertThat(client.resolve("package.json")).as("the zep-js client scenario").exists();
    Path log = stack.logsDir().resolve("zep-js.log");
    Files.deleteIfExists(log);
    if (!nodeModulesUpToDate(client)) {
      int ci = runLogged(client, log, List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
      assertThat(ci)
          .as("npm ci exit code; see " + log + "\n" + ChildProcess.tail(log, 40))
          .isZero();
    }
    int test = runLogged(client, log, List.of("npm", "test"), stack.gatewayUrl(), 300);
    assertThat(test)
        .as("npm test exit code; see " + log + "\n" + ChildProcess.tail(log, 60))
        .isZero();
  }

  /**
   * Thousands of write-then-read pairs through the gateway from several threads: create→get,
   * update→get, session create→the user's sessions, delete→get. Not one stale answer, with or
   * without the token.
   */
  @Test
  @Order(3)
  void noStaleReadsUnderConcurrentWriteThenReadPairs() throws Exception {
    assertThat(pairs(4, 150, false)).as("stale answers without a token").isZero();
    assertThat(pairs(4, 100, true)).as("stale answers with the token").isZero();
  }

  /**
   * Runs {@code perThread} rounds of four write→read pairs on each of {@code threads}; returns the
   * stale reads.
   */
  private static long pairs(int threads, int perThread, boolean withToken) throws Exception {
    AtomicLong stale = new AtomicLong();
    AtomicLong checked = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long started = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  String userId = "ryw-" + UUID.randomUUID();
                  HttpResponse<String> created =
                      send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
                  assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                  String uuid = JSON.readTree(created.body()).path("uuid").asText();
                  HttpResponse<String> read =
                      get("/api/v1/user/" + userId, token(created, withToken));
                  count(stale, checked, read.statusCode() != 200 || !read.body().contains(uuid));

                  HttpResponse<String> updated =
                      send("PATCH", "/api/v1/user/" + userId, "{\"first_name\":\"v" + i + "\"}");
                  read = get("/api/v1/user/" + userId, token(updated, withToken));
                  count(stale, checked, !read.body().contains("\"first_name\":\"v" + i + "\""));

                  HttpResponse<String> session =
                      send(
                          "POST",
                          "/api/v1/sessions",
                          "{\"session_id\":\"" + userId + "-s\",\"user_id\":\"" + userId + "\"}");
                  assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
                  read = get("/api/v1/user/" + userId + "/sessions", token(session, withToken));
                  count(stale, checked, !read.body().contains(userId + "-s"));

                  HttpResponse<String> deleted = send("DELETE", "/api/v1/user/" + userId, null);
                  assertThat(deleted.statusCode()).isEqualTo(200);
                  read = get("/api/v1/user/" + userId, token(deleted, withToken));
                  count(stale, checked, read.statusCode() != 404);
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.printf(
        "read-your-writes (%s token): %d write->read pairs from %d threads in %.1f s, %d stale%n",
        withToken ? "with" : "without",
        checked.get(),
        threads,
        (System.nanoTime() - started) / 1e9,
        stale.get());
    assertThat(checked.get()).isEqualTo(4L * threads * perThread);
    return stale.get();
  }

  private static void count(AtomicLong stale, AtomicLong checked, boolean isStale) {
    checked.incrementAndGet();
    if (isStale) {
      stale.incrementAndGet();
    }
  }

  private static String token(HttpResponse<String> write, boolean use) {
    return use ? write.headers().firstValue("X-Consistency-Token").orElseThrow() : null;
  }

  private static HttpResponse<String> get(String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
            .timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("X-Consistency-Token", token);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A republish sends every stored event again; the projections must not change a single answer.
   */
  @Test
  @Order(4)
  void republishingTheEventStoreChangesNoAnswer() throws Exception {
    // a user whose one event must be on the topic twice once the republish is through
    String marker = "republish-marker-" + UUID.randomUUID();
    assertThat(send("POST", "/api/v1/user", "{\"user_id\":\"" + marker + "\"}").statusCode())
        .isEqualTo(201);
    String before = apiDump();
    String topic = currentTopic();
    assertThat(recordsWithKey(topic, marker)).isEqualTo(1);

    HttpResponse<String> started = send("POST", "/api/v1/admin/republish", null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(JSON.readTree(started.body()).path("republishing").asBoolean())
        .as("running once accepted: " + started.body())
        .isTrue();
    Awaitility.await("the republish runs through")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                !JSON.readTree(
                        HTTP.send(
                                HttpRequest.newBuilder(
                                        URI.create(stack.commandServiceUrl() + "/admin/republish"))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("republishing")
                    .asBoolean());
    assertThat(recordsWithKey(topic, marker)).as("the marker's event, republished").isEqualTo(2);
    // reads wait for the topic's end by default, so this dump sees every republished record applied
    assertThat(apiDump()).isEqualTo(before);
  }

  /**
   * The command-line way to rebuild, through the gateway: the operator watches it finish, and no
   * answer changes. The rebuild replays the event store into a new topic generation, so a deleted
   * user's personal data, shredded in the store, is in no read model, in no record of the new
   * generation, and in no answer afterwards.
   */
  @Test
  @Order(5)
  void rebuildingTheReadModelsFromTheShellChangesNoAnswerAndBringsNoDeletedDataBack()
      throws Exception {
    String gone = "forget-me-" + UUID.randomUUID();
    assertThat(
            send(
                    "POST",
                    "/api/v1/user",
                    "{\"user_id\":\""
                        + gone
                        + "\",\"email\":\"forget-me@x.io\",\"first_name\":\"Forget-Me\","
                        + "\"metadata\":{\"ssn\":\"123-45-6789\"}}")
                .statusCode())
        .isEqualTo(201);
    assertThat(
            send(
                    "POST",
                    "/api/v1/sessions",
                    "{\"session_id\":\""
                        + gone
                        + "-s\",\"user_id\":\""
                        + gone
                        + "\",\"metadata\":{\"diary\":\"dear-diary\"}}")
                .statusCode())
        .isEqualTo(201);
    assertThat(send("DELETE", "/api/v1/user/" + gone, null).statusCode()).isEqualTo(200);
    String before = apiDump();
    String generationBefore = currentTopic();

    Path log = stack.logsDir().resolve("rebuild-cli.log");
    int exit =
        runLogged(
            repoRoot, log, List.of("admin/rebuild-read-models", stack.gatewayUrl()), null, 120);
    String output = Files.readString(log);
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("\"state\":\"done\"")
        .contains("\"events_total\"")
        .contains("\"events_per_second\"");
    assertThat(apiDump()).isEqualTo(before);

    String generation = currentTopic();
    assertThat(generation).isNotEqualTo(generationBefore).startsWith(stack.topic() + ".g");
    List<String> secrets = List.of("forget-me@x.io", "Forget-Me", "123-45-6789", "dear-diary");
    String records = String.join("\n", readTopic(generation));
    assertThat(records).contains(gone).doesNotContain(secrets);
    try (Connection c = DriverManager.getConnection(stack.queriesJdbcUrl());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT string_agg(t::text, ' ') FROM (SELECT u::text AS t FROM users u "
                    + "UNION ALL SELECT s::text FROM sessions s UNION ALL SELECT a::text FROM audit_events a) x")) {
      rs.next();
      assertThat(rs.getString(1)).contains(gone).doesNotContain(secrets);
    }
    assertThat(apiDump() + send("GET", "/api/v1/user/" + gone + "/events", null).body())
        .doesNotContain(secrets);
    // and writes go on, read back at once, on the new generation
    String after = "after-rebuild-" + UUID.randomUUID();
    HttpResponse<String> created = send("POST", "/api/v1/user", "{\"user_id\":\"" + after + "\"}");
    assertThat(created.headers().firstValue("X-Consistency-Token"))
        .hasValueSatisfying(t -> assertThat(t).contains("@"));
    assertThat(
            get(
                    "/api/v1/user/" + after,
                    created.headers().firstValue("X-Consistency-Token").orElseThrow())
                .statusCode())
        .isEqualTo(200);
  }

  /** The generation of the event topic the write side publishes to. */
  private static String currentTopic() throws Exception {
    for (JsonNode g : JSON.readTree(send("GET", "/api/v1/admin/generations", null).body())) {
      if (g.path("state").asText().equals("current")) {
        return g.path("topic").asText();
      }
    }
    throw new AssertionError("no current generation");
  }

  private static long recordsWithKey(String topic, String key) {
    return readTopic(topic).stream().filter(r -> r.startsWith(key + " ")).count();
  }

  private static List<String> readTopic(String topic) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", stack.kafkaBootstrapServers()),
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
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> values.add(r.key() + " " + new String(r.value(), StandardCharsets.UTF_8)));
      }
    }
    return values;
  }

  /**
   * Every user, every session, and each user's sessions and audit trail, as the API answers them.
   */
  private static String apiDump() throws Exception {
    StringBuilder dump = new StringBuilder();
    String users = send("GET", "/api/v1/user", null).body();
    dump.append(users)
        .append('\n')
        .append(send("GET", "/api/v1/sessions", null).body())
        .append('\n');
    for (JsonNode user : JSON.readTree(users)) {
      String id =
          URLEncoder.encode(user.path("user_id").asText(), StandardCharsets.UTF_8)
              .replace("+", "%20");
      dump.append(send("GET", "/api/v1/user/" + id + "/sessions", null).body()).append('\n');
      dump.append(send("GET", "/api/v1/user/" + id + "/events", null).body()).append('\n');
    }
    return dump.toString();
  }

  @Test
  @Order(6)
  void dataSurvivesARestartOnTheSameDataDirectory() throws Exception {
    String userId = "survivor-" + UUID.randomUUID();
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/user",
            "{\"user_id\":\"" + userId + "\",\"email\":\"survivor@example.com\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String uuid = JSON.readTree(created.body()).path("uuid").asText();
    assertThat(
            send(
                    "POST",
                    "/api/v1/sessions",
                    "{\"session_id\":\"" + userId + "-s\",\"user_id\":\"" + userId + "\"}")
                .statusCode())
        .isEqualTo(201);
    String before = apiDump();

    stack.close();
    stack = null;
    stack = LocalStack.start(config.clean(false));

    JsonNode user = readUser(userId, u -> true);
    assertThat(user.path("uuid").asText()).isEqualTo(uuid);
    assertThat(user.path("email").asText()).isEqualTo("survivor@example.com");
    assertThat(apiDump()).isEqualTo(before);
  }

  /**
   * SIGKILL one part after the other: the supervisor starts each again on the same port and data,
   * and a write followed by a read through the gateway works again within a bound.
   */
  @Test
  @Order(7)
  void killedPartsAreRestartedAndTheApiWorksAgain() {
    for (String part :
        List.of(
            LocalStack.QUERY_SERVICE,
            LocalStack.COMMAND_SERVICE,
            LocalStack.GATEWAY,
            LocalStack.KAFKA,
            LocalStack.POSTGRES)) {
      long pid = stack.pid(part);
      int restarts = stack.restarts(part);
      long t0 = System.nanoTime();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await(part + " restarted")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> stack.restarts(part) > restarts);
      assertThat(stack.pid(part)).as(part + "'s new process").isNotEqualTo(pid);
      double restarted = (System.nanoTime() - t0) / 1e9;
      await(part + " killed: a create and then a read through the gateway work again")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                String userId = "kill-" + UUID.randomUUID();
                HttpResponse<String> created =
                    send("POST", "/api/v1/user", "{\"user_id\":\"" + userId + "\"}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String uuid = JSON.readTree(created.body()).path("uuid").asText();
                readUser(userId, u -> u.path("uuid").asText().equals(uuid));
              });
      System.out.printf(
          "%s killed: healthy again after %.1f s, create and read work after %.1f s%n",
          part, restarted, (System.nanoTime() - t0) / 1e9);
    }
    assertThat(stack.restarts(LocalStack.GATEWAY))
        .as("restarts of a part that was killed once")
        .isEqualTo(1);
  }

  /**
   * Events published while query-service was down are a backlog its projections must apply before
   * reads (which wait for the topic's end) answer. READY (start() returning) must mean reads work,
   * not just that the services' health endpoints answer: the very first read after it answers 200.
   */
  @Test
  @Order(8)
  void readyMeansReadsWorkEvenWithABacklogToApply() throws Exception {
    stack.stopPart(LocalStack.QUERY_SERVICE);
    int users = 100_000;
    long t0 = System.nanoTime();
    publishUsers(users);
    System.out.printf(
        "published %d user.created events in %.1f s while query-service was down%n",
        users, (System.nanoTime() - t0) / 1e9);
    stack.close();
    stack = null;
    t0 = System.nanoTime();
    stack = LocalStack.start(config.clean(false));
    System.out.printf(
        "started again with that backlog in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    HttpResponse<String> first = send("GET", "/api/v1/user/backlog-" + users, null);
    assertThat(first.statusCode()).as("the first read after READY: " + first.body()).isEqualTo(200);
  }

  /**
   * Straight onto the topic, as command-service publishes them (the read side never asks the event
   * store).
   */
  private static void publishUsers(int users) throws Exception {
    String topic = currentTopic();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                262_144),
            new StringSerializer(),
            new ByteArraySerializer())) {
      Instant at = Instant.parse("2024-01-01T00:00:00Z");
      for (int u = 1; u <= users; u++) {
        String userId = "backlog-" + u;
        // paging ids far above the command side's, which count up from 1
        UserCreated created =
            new UserCreated(
                userId, UUID.randomUUID(), 1_000_000_000L + u, null, null, null, Map.of(), at);
        producer.send(
            CloudEventsKafka.toRecord(
                topic, new PublishedEvent(UUID.randomUUID().toString(), at, userId, 0, created)));
      }
      producer.flush();
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Reads once: with read-your-writes by default, a read right after a write must already show it.
   */
  private static JsonNode readUser(String userId, Predicate<JsonNode> matches) throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/user/" + userId, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode u = JSON.readTree(r.body());
    assertThat(matches.test(u)).as("stale read: " + r.body()).isTrue();
    return u;
  }

  private static HttpResponse<String> send(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
            .timeout(Duration.ofSeconds(30));
    if (json != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * npm ci records what it installed in node_modules/.package-lock.json; newer than the lock file =
   * up to date.
   */
  private static boolean nodeModulesUpToDate(Path client) throws IOException {
    Path installed = client.resolve("node_modules/.package-lock.json");
    Path lock = client.resolve("package-lock.json");
    if (!Files.exists(installed) || !Files.exists(lock)) {
      return false;
    }
    FileTime i = Files.getLastModifiedTime(installed);
    return i.compareTo(Files.getLastModifiedTime(lock)) >= 0
        && i.compareTo(Files.getLastModifiedTime(client.resolve("package.json"))) >= 0;
  }

  private static int runLogged(
      Path dir, Path log, List<String> cmd, String baseUrl, int timeoutSeconds) throws Exception {
    Files.writeString(
        log,
        "$ " + String.join(" ", cmd) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("CI", "true");
    if (baseUrl != null) {
      pb.environment().put("ZEP_BASE_URL", baseUrl);
    }
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s; see " + log);
    }
    System.out.println(
        String.join(" ", cmd) + " -> exit " + p.exitValue() + " (output in " + log + ")");
    return p.exitValue();
  }
}
