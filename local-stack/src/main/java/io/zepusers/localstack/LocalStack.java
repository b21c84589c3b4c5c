package io.zepusers.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The whole system on one machine without Docker: embedded PostgreSQL, a real Kafka broker, and the
 * three services as child JVMs, all supervised (a part that exits is started again), and reads
 * working through the gateway before this returns. Used by {@code ./run}, the benchmarks and
 * end-to-end tests.
 *
 * <pre>{@code
 * try (LocalStack.Running s = LocalStack.start(LocalStack.Config.defaults().gatewayPort(0).dataDir(dir))) {
 *     http.send(GET s.gatewayUrl() + "/healthz") ...
 * }
 * }</pre>
 */
public final class LocalStack {
  static final String COMMANDS_DB = "commands";
  static final String QUERIES_DB = "queries";

  private LocalStack() {}

  /** What to start, where. Immutable: every setter returns a copy. */
  public static final class Config {
    private final Path dataDir;
    private final boolean clean;
    private final int gatewayPort;
    private final int kafkaPort;
    private final int postgresPort;
    private final Path repoRoot;
    private final String topic;
    private final Duration startTimeout;
    private final List<String> childJvmOptions;

    private Config(
        Path dataDir,
        boolean clean,
        int gatewayPort,
        int kafkaPort,
        int postgresPort,
        Path repoRoot,
        String topic,
        Duration startTimeout,
        List<String> childJvmOptions) {
      this.dataDir = Objects.requireNonNull(dataDir);
      this.clean = clean;
      this.gatewayPort = checkPort(gatewayPort);
      this.kafkaPort = checkPort(kafkaPort);
      this.postgresPort = checkPort(postgresPort);
      this.repoRoot = Objects.requireNonNull(repoRoot);
      this.topic = Objects.requireNonNull(topic);
      this.startTimeout = Objects.requireNonNull(startTimeout);
      this.childJvmOptions = List.copyOf(childJvmOptions);
    }

    /**
     * {@code ./data}, gateway on 8000 and Kafka on 9092 unless GATEWAY_PORT / KAFKA_PORT say
     * otherwise, PostgreSQL on PG_PORT or a random free port, jars from the current directory.
     * Start timeout per component from LOCAL_STACK_START_TIMEOUT (seconds, default 120); child JVM
     * options from LOCAL_STACK_JAVA_OPTS.
     */
    public static Config defaults() {
      return fromEnv(System.getenv());
    }

    static Config fromEnv(Map<String, String> env) {
      String javaOpts = env.getOrDefault("LOCAL_STACK_JAVA_OPTS", "").trim();
      return new Config(
          Path.of("data"),
          false,
          envPort(env, "GATEWAY_PORT", 8000),
          envPort(env, "KAFKA_PORT", 9092),
          envPort(env, "PG_PORT", 0),
          Path.of(""),
          "zep.events",
          Duration.ofSeconds(envInt(env, "LOCAL_STACK_START_TIMEOUT", 120)),
          javaOpts.isEmpty() ? DEFAULT_CHILD_JVM_OPTIONS : Arrays.asList(javaOpts.split("\\s+")));
    }

    /**
     * Heap kept small: four JVMs share the machine. Both JIT tiers for query-service and the
     * gateway: C2 roughly doubled the reads they serve. command-service stays on C1 ({@link
     * #COMMAND_SERVICE_JIT}): with C2 its first minutes of writes cost three times the CPU
     * (compiling Axon and Spring) and the stack needed about 60 s instead of 33 s to be READY
     * (docs/performance.md).
     */
    static final List<String> DEFAULT_CHILD_JVM_OPTIONS =
        List.of("-Xmx384m", "-XX:+UseSerialGC", "-Xss512k");

    /** Added to command-service's options when the defaults are used. */
    static final List<String> COMMAND_SERVICE_JIT = List.of("-XX:TieredStopAtLevel=1");

    public Config dataDir(Path dir) {
      return new Config(
          dir,
          clean,
          gatewayPort,
          kafkaPort,
          postgresPort,
          repoRoot,
          topic,
          startTimeout,
          childJvmOptions);
    }

    public Config clean(boolean c) {
      return new Config(
          dataDir,
          c,
          gatewayPort,
          kafkaPort,
          postgresPort,
          repoRoot,
          topic,
          startTimeout,
          childJvmOptions);
    }

    /** 0 = a random free port. */
    public Config gatewayPort(int port) {
      return new Config(
          dataDir,
          clean,
          port,
          kafkaPort,
          postgresPort,
          repoRoot,
          topic,
          startTimeout,
          childJvmOptions);
    }

    /** 0 = a random free port. */
    public Config kafkaPort(int port) {
      return new Config(
          dataDir,
          clean,
          gatewayPort,
          port,
          postgresPort,
          repoRoot,
          topic,
          startTimeout,
          childJvmOptions);
    }

    /** 0 = a random free port. */
    public Config postgresPort(int port) {
      return new Config(
          dataDir,
          clean,
          gatewayPort,
          kafkaPort,
          port,
          repoRoot,
          topic,
          startTimeout,
          childJvmOptions);
    }

    /** The repository root, under which {@code <module>/target/<module>-*-exec.jar} are found. */
    public Config jarsFrom(Path root) {
      return new Config(
          dataDir,
          clean,
          gatewayPort,
          kafkaPort,
          postgresPort,
          root,
          topic,
          startTimeout,
          childJvmOptions);
    }

    public Config topic(String t) {
      return new Config(
          dataDir,
          clean,
          gatewayPort,
          kafkaPort,
          postgresPort,
          repoRoot,
          t,
          startTimeout,
          childJvmOptions);
    }

    /** How long each component may take to become ready. */
    public Config startTimeout(Duration d) {
      return new Config(
          dataDir,
          clean,
          gatewayPort,
          kafkaPort,
          postgresPort,
          repoRoot,
          topic,
          d,
          childJvmOptions);
    }

    /**
     * JVM options for every child (heap, GC); {@code -Daxoniq.update-checker.disabled=true} is
     * always added.
     */
    public Config childJvmOptions(List<String> opts) {
      return new Config(
          dataDir,
          clean,
          gatewayPort,
          kafkaPort,
          postgresPort,
          repoRoot,
          topic,
          startTimeout,
          opts);
    }

    public Path dataDir() {
      return dataDir;
    }

    public boolean clean() {
      return clean;
    }

    public int gatewayPort() {
      return gatewayPort;
    }

    public int kafkaPort() {
      return kafkaPort;
    }

    public int postgresPort() {
      return postgresPort;
    }

    public Path jarsFrom() {
      return repoRoot;
    }

    public String topic() {
      return topic;
    }

    public Duration startTimeout() {
      return startTimeout;
    }

    public List<String> childJvmOptions() {
      return childJvmOptions;
    }

    private static int checkPort(int p) {
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("port out of range: " + p);
      }
      return p;
    }

    private static int envPort(Map<String, String> env, String name, int dflt) {
      int p = envInt(env, name, dflt);
      if (p < 0 || p > 65535) {
        throw new LocalStackException(name + "=" + p + " is not a port (0-65535; 0 = random)");
      }
      return p;
    }

    private static int envInt(Map<String, String> env, String name, int dflt) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        return dflt;
      }
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new LocalStackException(name + "=" + v + " is not a number");
      }
    }
  }

  /** The supervised parts' names, in start order. */
  public static final String POSTGRES = PostgresServer.NAME;

  public static final String KAFKA = KafkaBroker.NAME;
  public static final String COMMAND_SERVICE = "command-service";
  public static final String QUERY_SERVICE = "query-service";
  public static final String GATEWAY = "gateway";

  /**
   * A started stack whose parts are supervised: a part whose process ends without being asked to is
   * started again on the same port and data, after 1 s doubling up to 30 s (back to 1 s once it
   * stayed up for a minute), with a console line for the exit and one when it is healthy again.
   * {@link #close()} stops everything, gateway first and PostgreSQL last, including a part being
   * restarted at that moment.
   */
  public interface Running extends AutoCloseable {
    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    String gatewayUrl();

    String commandServiceUrl();

    String queryServiceUrl();

    String kafkaBootstrapServers();

    String topic();

    /** {@code jdbc:postgresql://127.0.0.1:<port>/commands?user=postgres} */
    String commandsJdbcUrl();

    String queriesJdbcUrl();

    int postgresPort();

    Path dataDir();

    Path logsDir();

    /**
     * {@link #POSTGRES}, {@link #KAFKA}, {@link #COMMAND_SERVICE}, {@link #QUERY_SERVICE}, {@link
     * #GATEWAY}.
     */
    List<String> parts();

    /**
     * The process id of a part right now (PostgreSQL: its postmaster); fails while the part is
     * down.
     */
    long pid(String part);

    /** How often the supervisor brought a part back after its process ended on its own. */
    int restarts(String part);

    /** Stops a part gracefully and keeps it down until {@link #startPart}: an outage on purpose. */
    void stopPart(String part);

    /**
     * Starts a part stopped by {@link #stopPart} again, on the same port and data; returns once it
     * is healthy.
     */
    void startPart(String part);

    /**
     * The {@code Authorization} header for API calls when the services run with authentication on
     * (a short-lived key signed with the {@code ZEP_AUTH_SECRET} they inherited from this process);
     * empty when it is off.
     */
    Optional<String> authorization();

    @Override
    void close();
  }

  /**
   * Starts everything and waits until reads work through the gateway; on failure stops what was
   * started and throws.
   */
  public static Running start(Config cfg) {
    return new Stack(cfg).start();
  }

  /** Not started yet: lets main() hand the stack to its shutdown hook before starting it. */
  static Stack prepare(Config cfg) {
    return new Stack(cfg);
  }

  private record Service(String name, String healthPath, String fallbackHealthPath) {}

  // readiness (probes are enabled in both services; query-service's says DOWN while its projections
  // cannot run)
  private static final Service COMMAND =
      new Service(COMMAND_SERVICE, "/actuator/health/readiness", "/actuator/health");
  private static final Service QUERY =
      new Service(QUERY_SERVICE, "/actuator/health/readiness", "/actuator/health");
  private static final Service GATEWAY_SERVICE = new Service(GATEWAY, "/readyz", "/readyz");

  /**
   * A restart of PostgreSQL that has not come up by then failed (zonky waits that long even when
   * pg_ctl gave up).
   */
  private static final Duration PG_RESTART_WAIT = Duration.ofSeconds(30);

  static final class Stack implements Running {
    private final Config cfg;
    private final Layout layout;
    private final Map<String, Supervised> parts =
        new LinkedHashMap<>(); // guarded by itself, like closed
    private boolean closed;
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    private volatile int pgPort;
    private volatile int kafkaPort;
    private volatile String gatewayUrl;
    private volatile String commandUrl;
    private volatile String queryUrl;

    Stack(Config cfg) {
      this.cfg = cfg;
      this.layout = new Layout(cfg.dataDir());
    }

    Stack start() {
      Path commandJar = findJar(COMMAND.name());
      Path queryJar = findJar(QUERY.name());
      Path gatewayJar = findJar(GATEWAY_SERVICE.name());
      if (cfg.clean()) {
        endLeftovers();
        layout.clean();
      }
      layout.create();
      endLeftovers();
      int gatewayPort = Ports.claim(cfg.gatewayPort(), "the gateway", "GATEWAY_PORT");
      kafkaPort = Ports.claim(cfg.kafkaPort(), "Kafka", "KAFKA_PORT");
      pgPort = Ports.claim(cfg.postgresPort(), "PostgreSQL", "PG_PORT");
      try {
        long t0 = System.nanoTime();
        await(
            supervise(
                POSTGRES,
                (restart, cancelled) ->
                    PostgresServer.start(
                        layout,
                        pgPort,
                        restart && cfg.startTimeout().compareTo(PG_RESTART_WAIT) > 0
                            ? PG_RESTART_WAIT
                            : cfg.startTimeout(),
                        List.of(COMMANDS_DB, QUERIES_DB))));
        progress("PostgreSQL ready on port " + pgPort, t0);

        t0 = System.nanoTime();
        await(
            supervise(
                KAFKA,
                (restart, cancelled) ->
                    KafkaBroker.start(
                        layout,
                        kafkaPort,
                        kafkaClasspath(),
                        kafkaJvmOptions(),
                        cfg.startTimeout(),
                        restart,
                        cancelled)));
        progress("Kafka ready on " + kafkaBootstrapServers(), t0);

        t0 = System.nanoTime();
        // fixed for the stack's lifetime: a restarted service comes back where the gateway expects
        // it
        int commandPort = Ports.free();
        int queryPort = Ports.free();
        commandUrl = "http://127.0.0.1:" + commandPort;
        queryUrl = "http://127.0.0.1:" + queryPort;
        gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        // all three at once: none needs another to start (the gateway's /readyz waits for both
        // backends)
        List<CompletableFuture<Void>> services =
            List.of(
                supervise(
                    COMMAND.name(),
                    service(COMMAND, commandJar, commandPort, backendArgs(pgPort, COMMANDS_DB))),
                supervise(QUERY.name(), service(QUERY, queryJar, queryPort, queryArgs(pgPort))),
                supervise(
                    GATEWAY_SERVICE.name(),
                    service(
                        GATEWAY_SERVICE,
                        gatewayJar,
                        gatewayPort,
                        List.of(
                            "--zep.gateway.command-uri=" + commandUrl,
                            "--zep.gateway.query-uri=" + queryUrl))));
        services.forEach(Stack::await);
        progress("services ready", t0);

        t0 = System.nanoTime();
        ReadProbe.await(gatewayUrl, authorization(), cfg.startTimeout(), this::isClosed);
        progress("reads work through the gateway", t0);
        return this;
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    /** Starts the part under a supervisor of its own, unless the stack is already stopping. */
    private CompletableFuture<Void> supervise(String name, RunningPart.Launcher launcher) {
      synchronized (parts) {
        if (closed) {
          throw new LocalStackException("stopped while starting");
        }
        Supervised s = new Supervised(name, launcher, new Backoff(), System.out);
        parts.put(name, s);
        return s.start();
      }
    }

    private static void await(CompletableFuture<Void> started) {
      try {
        started.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new LocalStackException(String.valueOf(e.getCause()), e.getCause());
      }
    }

    /** A service JVM, ready when its health (readiness where it has one) answers 200. */
    private RunningPart.Launcher service(Service s, Path jar, int port, List<String> props) {
      List<String> jvm = new ArrayList<>(cfg.childJvmOptions());
      if (s == COMMAND && cfg.childJvmOptions().equals(Config.DEFAULT_CHILD_JVM_OPTIONS)) {
        jvm.addAll(Config.COMMAND_SERVICE_JIT);
      }
      jvm.add("-Daxoniq.update-checker.disabled=true");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1"));
      args.addAll(props);
      String base = "http://127.0.0.1:" + port;
      return (restart, cancelled) -> {
        ChildProcess child =
            ChildProcess.startJava(s.name(), layout, jvm, args, restart, Duration.ofSeconds(20));
        try {
          String[] path = {s.healthPath()};
          child.awaitReady(
              "GET " + base + s.healthPath() + " -> 200",
              () -> {
                int status = ChildProcess.httpStatus(base + path[0]);
                if (status == 404 && !path[0].equals(s.fallbackHealthPath())) {
                  path[0] = s.fallbackHealthPath(); // a build without readiness probes
                }
                return status == 200;
              },
              cfg.startTimeout(),
              cancelled);
          return child;
        } catch (RuntimeException e) {
          child.stop();
          throw e;
        }
      };
    }

    private boolean isClosed() {
      synchronized (parts) {
        return closed;
      }
    }

    private List<String> kafkaJvmOptions() {
      return List.of(
          "-Xms128m",
          "-Xmx384m",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-Djava.awt.headless=true");
    }

    /**
     * The broker's classpath: the module's copied runtime jars when present, else this JVM's
     * classpath.
     */
    private String kafkaClasspath() {
      Path lib = cfg.jarsFrom().toAbsolutePath().resolve("local-stack/target/lib");
      if (Files.isDirectory(lib) && Files.exists(lib.resolve(kafkaJarName()))) {
        return lib + "/*";
      }
      return System.getProperty("java.class.path");
    }

    private static String kafkaJarName() {
      String v = AppInfoParser.getVersion();
      return "kafka_2.13-" + v + ".jar";
    }

    private void endLeftovers() {
      if (!Files.isDirectory(layout.run())) {
        return;
      }
      for (String name : List.of(GATEWAY, QUERY_SERVICE, COMMAND_SERVICE, KAFKA)) {
        ChildProcess.endLeftover(name, layout);
      }
    }

    private Path findJar(String module) {
      Path target = cfg.jarsFrom().toAbsolutePath().normalize().resolve(module).resolve("target");
      List<Path> found = new ArrayList<>();
      if (Files.isDirectory(target)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
          ds.forEach(found::add);
        } catch (IOException e) {
          throw new LocalStackException("cannot list " + target + ": " + e.getMessage(), e);
        }
      }
      return found.stream()
          .max(Comparator.comparing(Stack::mtime))
          .orElseThrow(
              () ->
                  new LocalStackException(
                      "no "
                          + module
                          + "/target/"
                          + module
                          + "-*-exec.jar under "
                          + cfg.jarsFrom().toAbsolutePath().normalize()
                          + "; build it first: ./mvnw -q -B -DskipTests package"));
    }

    private static long mtime(Path p) {
      try {
        return Files.getLastModifiedTime(p).toMillis();
      } catch (IOException e) {
        return 0;
      }
    }

    /** command-service and query-service: their database and the event topic. */
    private List<String> backendArgs(int pgPort, String database) {
      return List.of(
          "--spring.datasource.url=" + PostgresServer.jdbcUrlNoUser(pgPort, database),
          "--spring.datasource.username=" + PostgresServer.USER,
          "--spring.datasource.password=" + PostgresServer.USER,
          "--zep.kafka.bootstrap-servers=" + kafkaBootstrapServers(),
          "--zep.kafka.topic=" + cfg.topic());
    }

    /** query-service also drives command-service's topic generations when it rebuilds. */
    private List<String> queryArgs(int pgPort) {
      List<String> args = new ArrayList<>(backendArgs(pgPort, QUERIES_DB));
      args.add("--zep.command-service.url=" + commandUrl);
      return args;
    }

    private static void progress(String what, long t0) {
      System.out.printf("local-stack: %s (%.1f s)%n", what, (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() {
      List<Supervised> all;
      synchronized (parts) {
        if (closed) {
          return;
        }
        closed = true;
        all = new ArrayList<>(parts.values());
      }
      try {
        // from here on nothing is restarted, and a restart under way gives up
        all.forEach(Supervised::beginClose);
        Collections.reverse(all); // gateway, query, command, Kafka, PostgreSQL
        for (Supervised s : all) {
          s.finishClose(cfg.startTimeout().plusSeconds(30));
        }
      } finally {
        closedFuture.complete(null);
      }
    }

    /** Returns once {@link #close()} has stopped everything. */
    void awaitClosed() throws InterruptedException {
      try {
        closedFuture.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    boolean startedAnything() {
      synchronized (parts) {
        return !parts.isEmpty();
      }
    }

    private Supervised part(String name) {
      synchronized (parts) {
        Supervised s = parts.get(name);
        if (s == null) {
          throw new IllegalArgumentException(
              "no part named " + name + "; parts: " + parts.keySet());
        }
        return s;
      }
    }

    @Override
    public List<String> parts() {
      synchronized (parts) {
        return List.copyOf(parts.keySet());
      }
    }

    @Override
    public long pid(String name) {
      return part(name).pid();
    }

    @Override
    public int restarts(String name) {
      return part(name).restarts();
    }

    @Override
    public void stopPart(String name) {
      part(name).hold(cfg.startTimeout());
    }

    @Override
    public void startPart(String name) {
      part(name).resume(cfg.startTimeout());
    }

    @Override
    public Optional<String> authorization() {
      return ApiKey.authorization(System.getenv(), "local-stack", Duration.ofHours(1));
    }

    @Override
    public String gatewayUrl() {
      return gatewayUrl;
    }

    @Override
    public String commandServiceUrl() {
      return commandUrl;
    }

    @Override
    public String queryServiceUrl() {
      return queryUrl;
    }

    @Override
    public String kafkaBootstrapServers() {
      return "127.0.0.1:" + kafkaPort;
    }

    @Override
    public String topic() {
      return cfg.topic();
    }

    @Override
    public String commandsJdbcUrl() {
      return PostgresServer.jdbcUrl(pgPort, COMMANDS_DB);
    }

    @Override
    public String queriesJdbcUrl() {
      return PostgresServer.jdbcUrl(pgPort, QUERIES_DB);
    }

    @Override
    public int postgresPort() {
      return pgPort;
    }

    @Override
    public Path dataDir() {
      return layout.root();
    }

    @Override
    public Path logsDir() {
      return layout.logs();
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * {@code ./run [--clean] [--data-dir=DIR]}: start, print where everything is, then run until
   * terminated.
   */
  public static void main(String[] args) {
    Config cfg;
    try {
      cfg = Config.defaults();
      for (String a : args) {
        if (a.equals("--clean")) {
          cfg = cfg.clean(true);
        } else if (a.startsWith("--data-dir=") && a.length() > "--data-dir=".length()) {
          cfg = cfg.dataDir(Path.of(a.substring("--data-dir=".length())));
        } else if (a.equals("-h") || a.equals("--help")) {
          usage(System.out);
          return;
        } else {
          System.err.println("unknown option: " + a);
          usage(System.err);
          System.exit(2);
          return;
        }
      }
    } catch (LocalStackException e) {
      System.err.println("ERROR: " + e.getMessage());
      System.exit(2);
      return;
    }

    AtomicBoolean stopping = new AtomicBoolean();
    AtomicBoolean mainExits =
        new AtomicBoolean(); // System.exit on main waits for the hook: it must not join main
    Stack stack = prepare(cfg);
    Thread mainThread = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  boolean anything = stack.startedAnything();
                  if (anything) {
                    System.out.println("local-stack: stopping ...");
                  }
                  stack.close();
                  try {
                    // if we were still starting, main notices the close and stops the part it was
                    // starting
                    if (!mainExits.get()) {
                      mainThread.join(60_000);
                    }
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                  if (anything) {
                    System.out.println("local-stack: stopped");
                  }
                },
                "local-stack-shutdown"));

    System.out.println(
        "local-stack: starting (data dir "
            + display(cfg.dataDir())
            + (cfg.clean() ? ", cleaned" : "")
            + ")");
    long t0 = System.nanoTime();
    Running s;
    try {
      s = stack.start();
    } catch (LocalStackException e) {
      if (stopping.get()) {
        return; // terminated while starting; the hook is stopping everything
      }
      System.err.println("ERROR: " + e.getMessage());
      mainExits.set(true);
      System.exit(1);
      return;
    }
    System.out.printf("local-stack: everything ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    System.out.println(
        "Kafka bootstrap servers: " + s.kafkaBootstrapServers() + "   topic: " + s.topic());
    System.out.println("PostgreSQL (commands):   " + s.commandsJdbcUrl());
    System.out.println("PostgreSQL (queries):    " + s.queriesJdbcUrl());
    System.out.println("Logs:                    " + display(s.logsDir()) + "/");
    System.out.println("READY " + s.gatewayUrl());
    System.out.flush();

    try {
      stack.awaitClosed(); // the supervisors keep every part running until Ctrl-C / SIGTERM
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String display(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return abs.startsWith(cwd) && !abs.equals(cwd)
        ? cwd.relativize(abs).toString()
        : abs.toString();
  }

  private static void usage(PrintStream out) {
    out.println("usage: ./run [--no-build] [--clean] [--data-dir=DIR]");
    out.println(
        "  starts PostgreSQL, Kafka, command-service, query-service and the gateway, prints READY once reads");
    out.println(
        "  work through the gateway, and restarts any part that exits (backoff 1 s doubling to 30 s);");
    out.println("  Ctrl-C stops them all");
    out.println("  --clean          delete the data directory's pg/, kafka/, logs/ first");
    out.println("  --data-dir=DIR   where data and logs live (default ./data)");
    out.println(
        "  env: GATEWAY_PORT (8000), KAFKA_PORT (9092), PG_PORT (random), 0 = random free port;");
    out.println(
        "       LOCAL_STACK_START_TIMEOUT (seconds per component, 120), LOCAL_STACK_JAVA_OPTS");
  }
}
