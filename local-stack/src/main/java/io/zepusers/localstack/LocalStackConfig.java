package io.zepusers.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What to start, where. Immutable: every setter returns a copy. */
public final class LocalStackConfig {
  private final Path dataDir;
  private final boolean clean;
  private final int gatewayPort;
  private final int kafkaPort;
  private final int postgresPort;
  private final Path repoRoot;
  private final String topic;
  private final Duration startTimeout;
  private final List<String> childJvmOptions;

  private LocalStackConfig(
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
   * otherwise, PostgreSQL on PG_PORT or a random free port, jars from the current directory. Start
   * timeout per component from LOCAL_STACK_START_TIMEOUT (seconds, default 120); child JVM options
   * from LOCAL_STACK_JAVA_OPTS.
   */
  public static LocalStackConfig defaults() {
    return fromEnv(System.getenv());
  }

  static LocalStackConfig fromEnv(Map<String, String> env) {
    String javaOpts = env.getOrDefault("LOCAL_STACK_JAVA_OPTS", "").trim();
    return new LocalStackConfig(
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
   * Heap kept small: four JVMs share the machine, and each should stay within 512 MB of RSS. The
   * JVM starts with a heap of a 64th of the host's memory, up to the maximum (the whole heap on 24
   * GB), and a service touches all of it in time; beside the heap a service uses 150-190 MB
   * (metaspace, code, compiler arenas, threads; NMT in docs/performance.md). query-service reached
   * 484-541 MB of RSS under load with 384 MB heaps and 505 MB with 320; streaming the
   * 1,000,000-user list needs at most 128 MB of its heap. Both JIT tiers for query-service and the
   * gateway: C2 roughly doubled the reads they serve. command-service gets C2 for the JDK's crypto
   * provider only ({@link #commandServiceJit}).
   */
  static final List<String> DEFAULT_CHILD_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xss512k");

  /**
   * Added to each service's environment unless already set. {@code MALLOC_ARENA_MAX=2}: glibc gives
   * every thread that allocates natively an arena of its own, up to eight per CPU, and keeps what
   * they freed, which is memory NMT does not see. With 256 MB heaps query-service still reached
   * 459-501 MB of RSS; with two arenas, 397-404 MB (docs/performance.md, stop 31).
   */
  static final Map<String, String> SERVICE_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  /** The compiler directives {@link #commandServiceJit} points command-service at. */
  static final String COMMAND_SERVICE_DIRECTIVES = "command-service-jit.json";

  /**
   * Added to command-service's options when the defaults are used: C2 compiles only the JDK's
   * crypto provider ({@code com/sun/crypto/provider}), every other method stays in C1's code (the
   * directives in {@code directives}, written from {@link #COMMAND_SERVICE_DIRECTIVES}). With C2
   * everywhere its first minutes of writes cost far more CPU (compiling Axon and Spring): 314
   * creates/s against 400, READY 34 s against 28, RSS up to 741 MB. With C1 only, a rebuild, which
   * decrypts every stored event's personal fields in command-service, runs AES-GCM as plain code
   * (22 % of command-service's samples in JFR). C2 on the crypto alone gives it the CPU's AES
   * instructions (3 %), with C1's creates, READY time and RSS; in three pairs of {@code
   * bench/rebuild --run-options} in one hour it saved about 1 ms of command-service's CPU per 1,000
   * events (33 against 34) and the rate was level (docs/performance.md, stops 30 and 31).
   */
  static List<String> commandServiceJit(Path directives) {
    return List.of(
        "-XX:+UnlockDiagnosticVMOptions",
        "-XX:CompilerDirectivesFile=" + directives.toAbsolutePath());
  }

  /**
   * The JIT of every service on a host with at most three CPUs, where its compile time is a large
   * part of the machine. Code a service has not run yet, such as a rebuild's, is compiled while it
   * runs (docs/performance.md):
   *
   * <ul>
   *   <li>One C1 and two C2 compiler threads, as the JVM starts on four CPUs (on two it starts one
   *       of each). In five rounds of {@code bench/rebuild 1000000} two C2 threads were ahead or
   *       level (up to 22 %) and used 7-11 ms less CPU per 1,000 events, most of it compiler time.
   *   <li>No uncommon traps ({@code -XX:PerMethodTrapLimit=0}): C2 compiles the branches and types
   *       its profile has not seen instead of leaving a trap in their place. A rebuild takes paths
   *       the live side's code never took; each trap threw that code away and the method ran
   *       interpreted until compiled again. Ahead in four of five pairs of {@code bench/rebuild
   *       1000000}, with 2-3 ms less JIT CPU per 1,000 events in each service.
   * </ul>
   *
   * Put first, so that the same options among the stack's own win.
   */
  static List<String> smallHostJit(int cpus) {
    return cpus <= 3 ? List.of("-XX:CICompilerCount=3", "-XX:PerMethodTrapLimit=0") : List.of();
  }

  public LocalStackConfig dataDir(Path dir) {
    return new LocalStackConfig(
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

  public LocalStackConfig clean(boolean c) {
    return new LocalStackConfig(
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
  public LocalStackConfig gatewayPort(int port) {
    return new LocalStackConfig(
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
  public LocalStackConfig kafkaPort(int port) {
    return new LocalStackConfig(
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
  public LocalStackConfig postgresPort(int port) {
    return new LocalStackConfig(
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
  public LocalStackConfig jarsFrom(Path root) {
    return new LocalStackConfig(
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

  public LocalStackConfig topic(String t) {
    return new LocalStackConfig(
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
  public LocalStackConfig startTimeout(Duration d) {
    return new LocalStackConfig(
        dataDir, clean, gatewayPort, kafkaPort, postgresPort, repoRoot, topic, d, childJvmOptions);
  }

  /**
   * JVM options for every child (heap, GC); {@code -Daxoniq.update-checker.disabled=true} is always
   * added.
   */
  public LocalStackConfig childJvmOptions(List<String> opts) {
    return new LocalStackConfig(
        dataDir, clean, gatewayPort, kafkaPort, postgresPort, repoRoot, topic, startTimeout, opts);
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
