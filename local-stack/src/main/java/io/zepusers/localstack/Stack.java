package io.zepusers.localstack;

import static io.zepusers.localstack.LocalStack.*;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The lifecycle of a local stack: starts PostgreSQL, Kafka and the three services in order, each
 * under a {@link Supervised} supervisor, waits until reads work through the gateway, and stops them
 * in reverse order. What to start is a {@link LocalStackConfig}; {@link LocalStack} is the entry.
 */
final class Stack implements LocalStack.Running {

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

  private final LocalStackConfig cfg;
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

  Stack(LocalStackConfig cfg) {
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
    List<String> jvm =
        new ArrayList<>(LocalStackConfig.smallHostJit(Runtime.getRuntime().availableProcessors()));
    jvm.addAll(cfg.childJvmOptions());
    if (s == COMMAND && cfg.childJvmOptions().equals(LocalStackConfig.DEFAULT_CHILD_JVM_OPTIONS)) {
      jvm.addAll(LocalStackConfig.commandServiceJit(layout.commandServiceDirectives()));
    }
    jvm.add("-Daxoniq.update-checker.disabled=true");
    List<String> args =
        new ArrayList<>(
            List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1"));
    args.addAll(props);
    String base = "http://127.0.0.1:" + port;
    return (restart, cancelled) -> {
      ChildProcess child =
          ChildProcess.startJava(
              s.name(),
              layout,
              jvm,
              args,
              LocalStackConfig.SERVICE_ENVIRONMENT,
              restart,
              Duration.ofSeconds(20));
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
        throw new IllegalArgumentException("no part named " + name + "; parts: " + parts.keySet());
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
