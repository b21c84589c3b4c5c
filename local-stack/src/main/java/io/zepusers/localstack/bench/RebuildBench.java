package io.zepusers.localstack.bench;

import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserUpdated;
import io.zepusers.localstack.LocalStack;
import io.zepusers.localstack.LocalStackConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast the read models rebuild from the event store. Starts a fresh stack, writes {@code
 * events} events straight into the event store as command-service stores them (five per user:
 * created, two updates, a session created and updated; personal data encrypted with a key per
 * user), waits until they are published and the live projection has applied them, then runs a
 * rebuild through the API: command-service writes the store into a new topic generation and
 * query-service builds the read models from it. Reports the rebuild's rate, end to end. Run with
 * {@code bench/rebuild [events=1000000]}.
 */
public final class RebuildBench {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>(List.of(args));
    // --run-options: the services get the JVM options ./run gives them (small heaps, serial GC,
    // command-service on C1 except for the JDK's crypto), to see the rebuild a user of ./run gets
    boolean runOptions = positional.remove("--run-options");
    long events = positional.isEmpty() ? 1_000_000 : Long.parseLong(positional.get(0));
    // to study a run: for example BENCH_JVM_OPTS=-XX:+PrintCompilation (the services' output goes
    // to their logs, which are kept next to the data directory)
    String extra = System.getenv().getOrDefault("BENCH_JVM_OPTS", "").trim();
    if (runOptions && !extra.isEmpty()) {
      throw new IllegalArgumentException(
          "--run-options takes the options ./run uses; change them with LOCAL_STACK_JAVA_OPTS, as"
              + " for ./run, not BENCH_JVM_OPTS");
    }
    Path dataDir = Files.createTempDirectory("zep-rebuild-bench");
    LocalStackConfig config = BenchData.freshStack(dataDir);
    if (!runOptions) {
      List<String> childOptions =
          new ArrayList<>(
              List.of(
                  "-Xmx1g",
                  "-XX:+HeapDumpOnOutOfMemoryError",
                  "-XX:HeapDumpPath=" + dataDir,
                  "-Daxoniq.update-checker.disabled=true"));
      if (!extra.isEmpty()) {
        childOptions.addAll(List.of(extra.split("\\s+")));
      }
      // a service that runs out of heap leaves its heap in the data directory, to find out what
      // filled it
      config = config.childJvmOptions(childOptions);
    }
    try (LocalStack.Running stack = LocalStack.start(config)) {
      // stopped by a signal (kill, pkill), the bench still stops its stack, which otherwise ran on
      // without it: the services and the broker are its children, PostgreSQL runs detached
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "bench-stops-its-stack"));
      long t0 = System.nanoTime();
      long users = store(stack, events);
      System.out.printf(
          "wrote %d events into the event store in %.1f s%n",
          users * 5, (System.nanoTime() - t0) / 1e9);

      t0 = System.nanoTime();
      String gateway = stack.gatewayUrl();
      // the live publisher has passed the last stored event, and the live projection has applied
      // every record
      while (!liveCaughtUp(stack)) {
        System.out.println("live publisher and projection still catching up ...");
        Thread.sleep(2_000);
      }
      double liveSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "live publisher and projection caught up %.1f s after the last write (%.0f events/s)%n",
          liveSeconds, users * 5 / liveSeconds);

      // A deployment has served reads before anyone rebuilds it, and the API's code is compiled by
      // then; a fresh stack's is not. Compiling it while the rebuild ran was charged to the rebuild
      // (the gateway's JIT alone took 3 ms of CPU per 1,000 rebuilt events), so the API first
      // serves this many reads. BENCH_WARM_READS=0 rebuilds with a cold API.
      int warmReads = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARM_READS", "20000"));
      t0 = System.nanoTime();
      warmUp(gateway, warmReads, users);
      System.out.printf(
          "the API served %d reads first, in %.1f s%n", warmReads, (System.nanoTime() - t0) / 1e9);

      // BENCH_REBUILDS > 1 rebuilds again on the same stack: the later rebuilds run on code the
      // JIT has compiled for a rebuild, so the difference to the first is the rebuild's warm-up
      int rebuilds = Integer.parseInt(System.getenv().getOrDefault("BENCH_REBUILDS", "1"));
      for (int r = 1; r <= rebuilds; r++) {
        if (rebuilds > 1) {
          System.out.printf("%nrebuild %d of %d%n", r, rebuilds);
        }
        rebuild(stack, dataDir, gateway, events);
      }
    }
    System.out.println(
        "the services' logs: " + BenchData.keepOnlyLogs(dataDir, dataDir.resolve("logs")));
  }

  /** One rebuild through the API, read along all the while; prints its rate and costs. */
  private static void rebuild(LocalStack.Running stack, Path dataDir, String gateway, long events)
      throws Exception {
    int loggedBefore = rebuildLog(dataDir).size();
    CpuAccount cpu = CpuAccount.begin(dataDir.resolve("pg").resolve("postmaster.pid"));
    StatementCosts statements = StatementCosts.begin(stack.queriesJdbcUrl());
    HttpResponse<String> started =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      throw new IllegalStateException(
          "rebuild did not start: " + started.statusCode() + " " + started.body());
    }
    // the API keeps answering from the current read models while the rebuild runs: read all along
    String status;
    long reads = 0;
    long failedReads = 0;
    long slowestRead = 0;
    // the rebuild's state when the slowest read was sent: a stall at the switch shows apart from
    // one while building
    Pattern stateNow = Pattern.compile("\"state\":\"([a-z]+)\"");
    String state = "preparing";
    String slowestWhile = state;
    long nextStatus = 0;
    // (time, events done) as the rebuild goes: its rate once warmed up, between a quarter and
    // three quarters of the events, next to the end-to-end rate (which includes the JIT's
    // warm-up of the rebuild's code)
    Pattern doneSoFar = Pattern.compile("\"events_done\":(\\d+)");
    long quarterAt = 0;
    long quarterDone = 0;
    long threeQuartersAt = 0;
    long threeQuartersDone = 0;
    do {
      long r0 = System.nanoTime();
      String userId = "bench-user-" + (1 + (reads * 7919) % Math.max(1, events / 5));
      int code =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(gateway + "/api/v1/user/" + userId)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (System.nanoTime() - r0 > slowestRead) {
        slowestRead = System.nanoTime() - r0;
        slowestWhile = state;
      }
      reads++;
      failedReads += code == 200 ? 0 : 1;
      status =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/rebuild")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher stateMatch = stateNow.matcher(status);
      state = stateMatch.find() ? stateMatch.group(1) : state;
      Matcher soFar = doneSoFar.matcher(status);
      if (soFar.find()) {
        long doneNow = Long.parseLong(soFar.group(1));
        if (quarterAt == 0 && doneNow >= events / 4) {
          quarterAt = System.nanoTime();
          quarterDone = doneNow;
        }
        if (threeQuartersAt == 0 && doneNow >= events * 3 / 4) {
          threeQuartersAt = System.nanoTime();
          threeQuartersDone = doneNow;
        }
      }
      if (System.nanoTime() > nextStatus) {
        System.out.println(status);
        nextStatus = System.nanoTime() + 2_000_000_000L;
      }
      // five reads a second: enough to see the API answer, without taking the rebuild's CPU
      Thread.sleep(200);
    } while (status.contains("\"state\":\"building\"")
        || status.contains("\"state\":\"preparing\"")
        || status.contains("\"state\":\"switching\""));
    System.out.println(status);
    System.out.printf(
        "reads during the rebuild: %d, not 200: %d, slowest %.0f ms (sent while %s)%n",
        reads, failedReads, slowestRead / 1e6, slowestWhile);
    Matcher done =
        Pattern.compile("\"events_done\":(\\d+).*\"events_per_second\":(\\d+)").matcher(status);
    if (!status.contains("\"state\":\"done\"") || !done.find()) {
      throw new IllegalStateException("rebuild failed: " + status);
    }
    System.out.println(cpu.perThousand(Long.parseLong(done.group(1))));
    statements.report(Long.parseLong(done.group(1))).forEach(System.out::println);
    System.out.printf(
        "%nrebuild: %s events at %s events/s (target: 20000)%n", done.group(1), done.group(2));
    if (threeQuartersAt > quarterAt && quarterAt > 0) {
      System.out.printf(
          "rebuild from 25%% to 75%% of the events (warmed up): %.0f events/s%n",
          (threeQuartersDone - quarterDone) / ((threeQuartersAt - quarterAt) / 1e9));
    }
    // what this rebuild logged besides its progress: its phases and how long they took
    List<String> logged = rebuildLog(dataDir);
    logged.subList(loggedBefore, logged.size()).forEach(System.out::println);
  }

  /** What query-service has logged about rebuilds, besides their progress. */
  private static List<String> rebuildLog(Path dataDir) throws IOException {
    try (Stream<String> lines = Files.lines(dataDir.resolve("logs").resolve("query-service.log"))) {
      return lines
          .filter(l -> l.contains("rebuild: ") && !l.contains("events/s"))
          .map(l -> l.substring(l.indexOf("rebuild: ")))
          .toList();
    }
  }

  /**
   * {@code reads} reads through the gateway on four connections: users, and every tenth time the
   * rebuild's status, which the bench polls while it runs.
   */
  private static void warmUp(String gateway, int reads, long users) throws Exception {
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        running.add(
            clients.submit(
                () -> {
                  for (long i = next.getAndIncrement(); i < reads; i = next.getAndIncrement()) {
                    String path =
                        i % 10 == 0
                            ? "/api/v1/admin/rebuild"
                            : "/api/v1/user/bench-user-" + (1 + (i * 7919) % Math.max(1, users));
                    int code =
                        HTTP.send(
                                HttpRequest.newBuilder(URI.create(gateway + path)).build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    failed.addAndGet(code == 200 ? 0 : 1);
                  }
                  return null;
                }));
      }
      for (Future<?> client : running) {
        client.get();
      }
    } finally {
      clients.shutdownNow();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of the warm-up reads did not answer 200");
    }
  }

  private static boolean liveCaughtUp(LocalStack.Running stack) throws Exception {
    try (Connection commands = DriverManager.getConnection(stack.commandsJdbcUrl());
        Connection queries = DriverManager.getConnection(stack.queriesJdbcUrl());
        Statement c = commands.createStatement();
        Statement q = queries.createStatement();
        Admin kafka =
            Admin.create(
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
      ResultSet head = c.executeQuery("SELECT max(globalindex) FROM domainevententry");
      head.next();
      long last = head.getLong(1);
      ResultSet token =
          c.executeQuery(
              "SELECT convert_from(token, 'UTF8') FROM tokenentry WHERE processorname = 'kafka-publisher'");
      // the publisher's row exists before its first token does
      String position = token.next() ? token.getString(1) : null;
      if (position == null) {
        return false;
      }
      Matcher index = Pattern.compile("\"index\"\\s*:\\s*(\\d+)").matcher(position);
      if (!index.find() || Long.parseLong(index.group(1)) < last) {
        return false;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        latest.put(new TopicPartition("zep.events", p), OffsetSpec.latest());
      }
      Map<Integer, Long> applied = new HashMap<>();
      ResultSet positions =
          q.executeQuery(
              "SELECT partition, next_offset FROM consumer_positions WHERE topic = 'zep.events'");
      while (positions.next()) {
        applied.put(positions.getInt(1), positions.getLong(2));
      }
      for (var end : kafka.listOffsets(latest).all().get().entrySet()) {
        if (applied.getOrDefault(end.getKey().partition(), 0L) < end.getValue().offset()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * @return how many users (each with five events) were stored
   */
  private static long store(LocalStack.Running stack, long events) throws Exception {
    long users = Math.max(1, events / 5);
    try (StoreWriter store = new StoreWriter(stack.commandsJdbcUrl())) {
      Instant t = Instant.parse("2024-01-01T00:00:00Z");
      for (long u = 1; u <= users; u++) {
        String userId = "bench-user-" + u;
        UUID uuid = UUID.randomUUID();
        String sessionId = userId + "-s";
        UUID sessionUuid = UUID.randomUUID();
        Map<String, Object> metadata = Map.of("plan", Map.of("tier", "pro", "seats", 3), "n", u);
        StoreWriter.Key key = store.newKey(userId);
        store.append(
            "UserAggregate",
            userId,
            0,
            new UserCreated(userId, uuid, u, userId + "@example.com", "First", "Last", metadata, t),
            key);
        store.append(
            "UserAggregate",
            userId,
            1,
            new UserUpdated(
                userId,
                uuid,
                userId + "@example.com",
                "Changed",
                "Last",
                metadata,
                t.plusSeconds(1)),
            key);
        store.append(
            "UserAggregate",
            userId,
            2,
            new UserUpdated(
                userId,
                uuid,
                "new-" + userId + "@example.com",
                "Changed",
                "Last",
                metadata,
                t.plusSeconds(2)),
            key);
        store.append(
            "SessionAggregate",
            "session:" + sessionId,
            0,
            new SessionCreated(
                sessionId, sessionUuid, u, userId, Map.of("channel", "web"), t.plusSeconds(3)),
            key);
        store.append(
            "SessionAggregate",
            "session:" + sessionId,
            1,
            new SessionUpdated(
                sessionId, sessionUuid, userId, Map.of("channel", "app"), t.plusSeconds(4)),
            key);
      }
    }
    return users;
  }
}
