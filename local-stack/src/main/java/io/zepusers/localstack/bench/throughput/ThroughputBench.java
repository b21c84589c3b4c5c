package io.zepusers.localstack.bench.throughput;

import io.zepusers.localstack.LocalStack;
import io.zepusers.localstack.LocalStackConfig;
import io.zepusers.localstack.bench.BenchData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How close the service comes to PostgreSQL's own speed on this machine. Starts a fresh local
 * stack, measures PostgreSQL's single-row insert and primary-key select rates with 32 clients on
 * the stack's own PostgreSQL, then every throughput figure of the service (wrk, 32 requests in
 * flight), the projection lag at a steady create rate, and memory while a large unlimited list
 * streams; prints one table with each figure beside its baseline.
 *
 * <p>Run with {@code bench/throughput [--small] [--seconds=S] [--users=N] [--rate=R]}. Not a test:
 * the machine is shared and noisy, so each figure is compared with a baseline measured in the same
 * run.
 */
public final class ThroughputBench {

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Options options;
  private final List<Row> rows = new ArrayList<>();

  private ThroughputBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    new ThroughputBench(options).run();
  }

  private void run() throws Exception {
    Path work = Files.createTempDirectory("zep-throughput-bench");
    Wrk wrk = new Wrk(options.repoRoot().resolve("bench/wrk"), work);
    LocalStackConfig config = BenchData.freshStack(work.resolve("stack"));
    long t0 = System.nanoTime();
    try (LocalStack.Running stack = LocalStack.start(config)) {
      double readySeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT, "stack READY in %.1f s (%s)%n", readySeconds, stack.gatewayUrl());
      stack.authorization().ifPresent(wrk::authorization);
      wrk.measureCpuOf(stack);
      try (Memory memory = Memory.watch(stack)) {
        measure(stack, wrk, work, memory, readySeconds);
      }
    }
    System.out.println(
        "the services' logs: " + BenchData.keepOnlyLogs(work, work.resolve("stack/logs")));
  }

  private void measure(
      LocalStack.Running stack, Wrk wrk, Path work, Memory memory, double readySeconds)
      throws Exception {
    PostgresBaseline.Result pg =
        PostgresBaseline.measure(stack, options.connections(), options.seconds());
    System.out.printf(
        Locale.ROOT,
        "PostgreSQL alone: %,.0f inserts/s, %,.0f selects/s%n",
        pg.insertsPerSecond(),
        pg.selectsPerSecond());

    String gateway = stack.gatewayUrl();
    System.out.println(
        "warming up (creates and reads, " + options.warmupSeconds() + " s each) ...");
    wrk.run("create.lua", gateway, options.connections(), options.warmupSeconds(), "warm");
    String ids =
        UserIds.fetch(gateway, stack.authorization(), work.resolve("ids.txt"), options.maxIds())
            .file()
            .toString();
    wrk.run("get.lua", gateway, options.connections(), options.warmupSeconds(), ids);

    Wrk.Result creates =
        wrk.run("create.lua", gateway, options.connections(), options.seconds(), "gw");
    add(
        "POST /api/v1/user (unique ids), 32 in flight",
        creates,
        pg.insertsPerSecond(),
        "≥ 2,000/s, p99 ≤ 50 ms");
    Wrk.Result direct =
        wrk.run(
            "create.lua",
            stack.commandServiceUrl(),
            options.connections(),
            options.seconds(),
            "cs");
    add("  same, straight to command-service", direct, pg.insertsPerSecond(), "");
    Wrk.Result oneClient = wrk.run("create.lua", gateway, 1, options.seconds(), "one");
    add("  same, one client, creates in a row", oneClient, pg.insertsPerSecond(), "");

    UserIds.Users existing =
        UserIds.fetch(gateway, stack.authorization(), work.resolve("ids.txt"), options.maxIds());
    long users = existing.highestId();
    ids = existing.file().toString();
    Wrk.Result updates =
        wrk.run("update.lua", gateway, options.connections(), options.seconds(), ids);
    add(
        "PATCH /api/v1/user/{id}, 32 in flight",
        updates,
        pg.insertsPerSecond(),
        "≥ 2,000/s, p99 ≤ 50 ms");

    Wrk.Result gets = wrk.run("get.lua", gateway, options.connections(), options.seconds(), ids);
    add(
        "GET /api/v1/user/{id}, default consistency",
        gets,
        pg.selectsPerSecond(),
        "≥ 5,000/s, p99 ≤ 20 ms");
    Wrk.Result eventual =
        wrk.run("get.lua", gateway, options.connections(), options.seconds(), ids, "eventual");
    add("  same, X-Zep-Consistency: eventual", eventual, pg.selectsPerSecond(), "");
    Wrk.Result qsDefault =
        wrk.run("get.lua", stack.queryServiceUrl(), options.connections(), options.seconds(), ids);
    add("  same, straight to query-service, default", qsDefault, pg.selectsPerSecond(), "");
    Wrk.Result qsEventual =
        wrk.run(
            "get.lua",
            stack.queryServiceUrl(),
            options.connections(),
            options.seconds(),
            ids,
            "eventual");
    add("  same, straight to query-service, eventual", qsEventual, pg.selectsPerSecond(), "");
    Wrk.Result lists =
        wrk.run(
            "list.lua", gateway, options.connections(), options.seconds(), Long.toString(users));
    add(
        "GET /api/v1/user?limit=10, default consistency",
        lists,
        pg.selectsPerSecond(),
        "≥ 3,000/s");

    if (!options.skip().contains("steady")) {
      SteadyCreates.Result steady = SteadyCreates.run(stack, options.rate(), options.seconds());
      rows.add(
          new Row(
              String.format(
                  Locale.ROOT,
                  "projection lag (stored → readable) at %,d creates/s",
                  options.rate()),
              String.format(
                  Locale.ROOT,
                  "p50 %.1f ms, p99 %.1f ms (%,.0f/s sent, %d failed)",
                  steady.lagP50Millis(),
                  steady.lagP99Millis(),
                  steady.achievedRate(),
                  steady.failed()),
              "",
              "",
              "p99 ≤ 50 ms"));
    }

    if (!options.skip().contains("list")) {
      BigList.Result list = BigList.run(stack, options.listUsers(), memory);
      rows.add(
          new Row(
              String.format(Locale.ROOT, "unlimited list of %,d users, streamed", list.users()),
              String.format(
                  Locale.ROOT,
                  "%.1f s, %,.0f users/s; query-service heap max %,d MB",
                  list.seconds(),
                  list.users() / list.seconds(),
                  list.heapMaxBytes() >> 20),
              "",
              "",
              "heap ≤ 256 MB"));
    }
    for (String part : LocalStack.SERVICES) {
      rows.add(
          new Row(
              "RSS max of " + part + " (whole run)",
              String.format(Locale.ROOT, "%,d MB", memory.maxRss(part) >> 20),
              "",
              "",
              "≤ 512 MB"));
    }
    rows.add(
        new Row(
            "local stack READY",
            String.format(Locale.ROOT, "%.1f s", readySeconds),
            "",
            "",
            "≤ 60 s"));
    print(pg);
  }

  private void add(String figure, Wrk.Result r, double baseline, String target) {
    String errors = r.errors() == 0 ? "" : String.format(Locale.ROOT, ", %,d errors", r.errors());
    rows.add(
        new Row(
            figure,
            String.format(
                Locale.ROOT,
                "%,.0f/s, p50 %.1f ms, p99 %.1f ms%s",
                r.perSecond(),
                r.p50Millis(),
                r.p99Millis(),
                errors),
            String.format(Locale.ROOT, "%,.0f/s", baseline),
            String.format(Locale.ROOT, "1/%.0f", baseline / Math.max(1e-9, r.perSecond())),
            target));
  }

  private void print(PostgresBaseline.Result pg) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "bench/throughput: %d s per figure, %d in flight, %s%n",
        options.seconds(),
        options.connections(),
        Runtime.version());
    System.out.println();
    System.out.println("| figure | measured | PostgreSQL itself, same run | ratio | target |");
    System.out.println("|---|---|---|---|---|");
    for (Row row : rows) {
      System.out.printf(
          "| %s | %s | %s | %s | %s |%n",
          row.figure(), row.measured(), row.baseline(), row.ratio(), row.target());
    }
    System.out.printf(
        Locale.ROOT,
        "%nPostgreSQL baselines: single-row INSERT, %d clients: %,.0f/s (p99 %.1f ms); PK SELECT, %d clients: %,.0f/s (p99 %.1f ms)%n",
        options.connections(),
        pg.insertsPerSecond(),
        pg.insertP99Millis(),
        options.connections(),
        pg.selectsPerSecond(),
        pg.selectP99Millis());
  }

  record Row(String figure, String measured, String baseline, String ratio, String target) {}

  /** Command-line options; {@code --small} is what CI runs to check that the bench works. */
  record Options(
      int seconds,
      int warmupSeconds,
      int connections,
      int rate,
      long listUsers,
      int maxIds,
      Path repoRoot,
      Set<String> skip) {

    static Options parse(String[] args) {
      boolean small = false;
      Integer seconds = null;
      Integer rate = null;
      Integer warmup = null;
      Long users = null;
      Set<String> skip = new HashSet<>();
      for (String a : args) {
        if (a.startsWith("--skip=")) {
          skip.addAll(List.of(a.substring("--skip=".length()).split(",")));
          continue;
        }
        Matcher m = Pattern.compile("--(\\w+)(?:=(\\d+))?").matcher(a);
        if (!m.matches()) {
          throw new IllegalArgumentException(
              "unknown argument "
                  + a
                  + "; use --small, --seconds=S, --rate=R, --users=N, --warmup=S, --skip=steady,list");
        }
        switch (m.group(1)) {
          case "small" -> small = true;
          case "seconds" -> seconds = Integer.parseInt(m.group(2));
          case "rate" -> rate = Integer.parseInt(m.group(2));
          case "warmup" -> warmup = Integer.parseInt(m.group(2));
          case "users" -> users = Long.parseLong(m.group(2));
          default -> throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      return new Options(
          seconds != null ? seconds : small ? 2 : 15,
          warmup != null ? warmup : small ? 2 : 30,
          32,
          rate != null ? rate : small ? 200 : 1000,
          users != null ? users : small ? 10_000 : 1_000_000,
          100_000,
          Path.of(System.getProperty("zep.repo", ".")).toAbsolutePath(),
          Set.copyOf(skip));
    }
  }

  static HttpResponse<String> get(String url, Optional<String> authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
    authorization.ifPresent(a -> b.header("Authorization", a));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
