package io.zepusers.localstack.bench.faults;

import io.zepusers.localstack.LocalStack;
import io.zepusers.localstack.LocalStackConfig;
import io.zepusers.localstack.bench.BenchData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The repeatable fault drill ({@code bench/faults}). Starts a fresh stack (random ports, its own
 * temporary data directory), drives mixed writes through the gateway from several threads, and
 * meanwhile, one after the other, SIGKILLs command-service, query-service, the gateway and the
 * Kafka broker, and stops PostgreSQL for a while (a clean stop, then a start on the same port and
 * data), waiting for each fault to heal (a create and a read of it through the gateway work again)
 * before the next. Then it checks every user and session through the API against the acknowledged
 * writes, and the topic against the event store, and prints a table; exit code 0 only when every
 * fault healed and every count is zero.
 *
 * <pre>
 * bench/faults [--quick] [--threads=4] [--steady=15] [--pg-outage=100] [--heal-timeout=150] [--budget=480]
 *              [--faults=command-service,query-service,gateway,kafka,postgres]
 * </pre>
 */
public final class FaultBench {

  private record Options(
      boolean quick,
      int threads,
      Duration steady,
      Duration pgOutage,
      Duration healTimeout,
      Duration budget,
      List<String> faults) {

    static Options parse(String[] args) {
      boolean quick = List.of(args).contains("--quick");
      int threads = quick ? 2 : 4;
      Duration steady = Duration.ofSeconds(quick ? 3 : 15);
      Duration pgOutage = Duration.ofSeconds(quick ? 10 : 100);
      Duration healTimeout = Duration.ofSeconds(quick ? 90 : 150);
      Duration budget = Duration.ofSeconds(quick ? 240 : 480);
      List<String> faults =
          List.of(
              LocalStack.COMMAND_SERVICE,
              LocalStack.QUERY_SERVICE,
              LocalStack.GATEWAY,
              LocalStack.KAFKA,
              LocalStack.POSTGRES);
      for (String a : args) {
        String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
        if (a.equals("--quick")) {
          continue;
        } else if (a.startsWith("--threads=")) {
          threads = Integer.parseInt(v);
        } else if (a.startsWith("--steady=")) {
          steady = Duration.ofSeconds(Long.parseLong(v));
        } else if (a.startsWith("--pg-outage=")) {
          pgOutage = Duration.ofSeconds(Long.parseLong(v));
        } else if (a.startsWith("--heal-timeout=")) {
          healTimeout = Duration.ofSeconds(Long.parseLong(v));
        } else if (a.startsWith("--budget=")) {
          budget = Duration.ofSeconds(Long.parseLong(v));
        } else if (a.startsWith("--faults=")) {
          faults = List.of(v.split(","));
        } else {
          throw new IllegalArgumentException(
              "unknown argument " + a + "; see the comment in bench/faults");
        }
      }
      return new Options(quick, threads, steady, pgOutage, healTimeout, budget, faults);
    }
  }

  /** What happened to one fault: when the part was back, when a write and a read worked again. */
  private record Outcome(
      String fault, double backSeconds, double workingSeconds, boolean healed, boolean skipped) {}

  private final Options options;
  private final LocalStack.Running stack;
  private final Ledger ledger = new Ledger();
  private final Load load;
  private final List<Instant> phaseStarts = new ArrayList<>();
  private final List<Outcome> outcomes = new ArrayList<>();
  private int probes;

  private FaultBench(Options options, LocalStack.Running stack) {
    this.options = options;
    this.stack = stack;
    this.load =
        new Load(
            new Api(stack.gatewayUrl(), stack.authorization()),
            ledger,
            UUID.randomUUID().toString().substring(0, 8));
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path data = Files.createTempDirectory("zep-faults");
    LocalStackConfig config = BenchData.freshStack(data);
    long t0 = System.nanoTime();
    boolean pass;
    try (LocalStack.Running stack = LocalStack.start(config)) {
      System.out.printf("faults: stack ready in %.1f s (data and logs in %s)%n", seconds(t0), data);
      pass = new FaultBench(options, stack).run();
    }
    Path logs = pass ? BenchData.keepOnlyLogs(data, data.resolve("logs")) : data.resolve("logs");
    System.out.printf(
        "faults: %s in %.1f s; logs in %s%n", pass ? "PASS" : "FAIL", seconds(t0), logs);
    System.exit(pass ? 0 : 1);
  }

  private boolean run() throws Exception {
    long start = System.nanoTime();
    phaseStarts.add(Instant.now());
    load.start(options.threads());
    System.out.printf(
        "faults: load running (%d threads); faults: %s%n",
        options.threads(), String.join(", ", options.faults()));
    sleep(options.steady());
    for (String fault : options.faults()) {
      if (Duration.ofNanos(System.nanoTime() - start).compareTo(options.budget()) > 0) {
        System.out.println("faults: time budget used up; skipping " + fault);
        outcomes.add(new Outcome(fault, 0, 0, false, true));
        continue;
      }
      ledger.phase(outcomes.size() + 1);
      phaseStarts.add(Instant.now());
      outcomes.add(inject(fault));
      sleep(options.steady());
    }
    load.stop();
    System.out.println("faults: load stopped; checking");

    int lastPhase = outcomes.size();
    TopicAudit topic = new TopicAudit();
    topic.runUntilComplete(
        stack.commandsJdbcUrl(),
        stack.kafkaBootstrapServers(),
        stack.topic(),
        this::phaseOf,
        Duration.ofSeconds(60));
    ApiAudit api = new ApiAudit();
    api.run(new Api(stack.gatewayUrl(), stack.authorization()), ledger, lastPhase);
    return report(topic, api);
  }

  private Outcome inject(String fault) throws InterruptedException {
    long t0 = System.nanoTime();
    boolean back;
    if (fault.equals(LocalStack.POSTGRES)) {
      System.out.printf("faults: stopping PostgreSQL for %d s%n", options.pgOutage().toSeconds());
      stack.stopPart(LocalStack.POSTGRES);
      sleep(options.pgOutage());
      stack.startPart(LocalStack.POSTGRES);
      back = true;
    } else {
      int restarts = stack.restarts(fault);
      long pid = stack.pid(fault);
      System.out.printf("faults: SIGKILL %s (pid %d)%n", fault, pid);
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      back = awaitTrue(() -> stack.restarts(fault) > restarts, options.healTimeout());
    }
    double backSeconds = seconds(t0);
    long t1 = System.nanoTime();
    boolean working = back && awaitTrue(() -> load.probe(++probes), options.healTimeout());
    double workingSeconds = seconds(t1);
    System.out.printf(
        "faults: %s: back after %.1f s, %s%n",
        fault,
        backSeconds,
        working
            ? String.format(
                Locale.ROOT, "a create and a read work again %.1f s later", workingSeconds)
            : "NOT healed within " + options.healTimeout().toSeconds() + " s");
    return new Outcome(fault, backSeconds, workingSeconds, working, false);
  }

  private int phaseOf(Instant t) {
    int p = 0;
    for (int i = 1; i < phaseStarts.size(); i++) {
      if (!t.isBefore(phaseStarts.get(i))) {
        p = i;
      }
    }
    return p;
  }

  private boolean report(TopicAudit topic, ApiAudit api) {
    System.out.println();
    System.out.println(
        "| phase | began (UTC) | part back (s) | write+read work (s) | writes ok | write errors | 4xx | API lost | API doubled"
            + " | API divergent | topic lost | topic doubled | topic out of order | topic divergent |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int p = 0; p <= outcomes.size(); p++) {
      String name;
      String back;
      String working;
      if (p == 0) {
        name = "before any fault";
        back = "";
        working = "";
      } else {
        Outcome o = outcomes.get(p - 1);
        name =
            (o.fault().equals(LocalStack.POSTGRES)
                ? "postgres stopped " + options.pgOutage().toSeconds() + " s"
                : "kill -9 " + o.fault());
        back = o.skipped() ? "skipped" : String.format(Locale.ROOT, "%.1f", o.backSeconds());
        working =
            o.skipped()
                ? ""
                : o.healed()
                    ? String.format(Locale.ROOT, "%.1f", o.workingSeconds())
                    : "NOT within " + options.healTimeout().toSeconds();
      }
      System.out.printf(
          "| %s | %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |%n",
          name,
          DateTimeFormatter.ISO_LOCAL_TIME.format(
              phaseStarts.get(p).atZone(ZoneOffset.UTC).toLocalTime().withNano(0)),
          back,
          working,
          ledger.acknowledgedIn(p),
          ledger.failedIn(p),
          ledger.rejectedIn(p),
          api.lost.in(p),
          api.doubled.in(p),
          api.divergent.in(p),
          topic.lost.in(p),
          topic.doubled.in(p),
          topic.outOfOrder.in(p),
          topic.divergent.in(p));
    }
    long acknowledged = 0;
    long failed = 0;
    long rejected = 0;
    long warned = 0;
    for (int p = 0; p <= outcomes.size(); p++) {
      acknowledged += ledger.acknowledgedIn(p);
      failed += ledger.failedIn(p);
      rejected += ledger.rejectedIn(p);
      warned += ledger.warnedIn(p);
    }
    System.out.printf(
        "| **total** | | | | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |%n",
        acknowledged,
        failed,
        rejected,
        api.lost.total(),
        api.doubled.total(),
        api.divergent.total(),
        topic.lost.total(),
        topic.doubled.total(),
        topic.outOfOrder.total(),
        topic.divergent.total());
    System.out.println();
    System.out.printf(
        "checked through the API: %d users with only acknowledged writes (and their %d sessions), %d uncertain"
            + " users (a write got an error: checked only for doubles), %d single-user reads against the lists%n",
        api.usersChecked, api.sessionsChecked, api.uncertainUsers, api.singleReads);
    System.out.printf(
        "event store: %d events; topic: %d records; writes acknowledged with a consistency warning: %d%n",
        topic.stored, topic.onTopic, warned);
    examples("API lost", api.lost);
    examples("API doubled", api.doubled);
    examples("API divergent", api.divergent);
    examples("topic lost", topic.lost);
    examples("topic doubled", topic.doubled);
    examples("topic out of order", topic.outOfOrder);
    examples("topic divergent", topic.divergent);
    load.rejections().forEach(r -> System.out.println("  unexpected 4xx: " + r));

    boolean healed = outcomes.stream().allMatch(o -> o.healed() && !o.skipped());
    long problems =
        rejected
            + api.lost.total()
            + api.doubled.total()
            + api.divergent.total()
            + topic.lost.total()
            + topic.doubled.total()
            + topic.outOfOrder.total()
            + topic.divergent.total();
    return healed && problems == 0;
  }

  private static void examples(String what, Tally t) {
    t.examples().forEach(e -> System.out.println("  " + what + ": " + e));
  }

  private static boolean awaitTrue(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
