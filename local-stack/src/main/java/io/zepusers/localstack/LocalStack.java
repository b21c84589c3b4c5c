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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole system on one machine without Docker: embedded PostgreSQL, a real Kafka broker, and the three
 * services as child JVMs, each ready before this returns. Used by {@code ./run} and by end-to-end tests.
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

        private Config(Path dataDir, boolean clean, int gatewayPort, int kafkaPort, int postgresPort, Path repoRoot,
                       String topic, Duration startTimeout, List<String> childJvmOptions) {
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
         * {@code ./data}, gateway on 8000 and Kafka on 9092 unless GATEWAY_PORT / KAFKA_PORT say otherwise,
         * PostgreSQL on PG_PORT or a random free port, jars from the current directory. Start timeout per
         * component from LOCAL_STACK_START_TIMEOUT (seconds, default 120); child JVM options from
         * LOCAL_STACK_JAVA_OPTS.
         */
        public static Config defaults() {
            return fromEnv(System.getenv());
        }

        static Config fromEnv(Map<String, String> env) {
            String javaOpts = env.getOrDefault("LOCAL_STACK_JAVA_OPTS", "").trim();
            return new Config(Path.of("data"), false,
                    envPort(env, "GATEWAY_PORT", 8000),
                    envPort(env, "KAFKA_PORT", 9092),
                    envPort(env, "PG_PORT", 0),
                    Path.of(""),
                    "zep.events",
                    Duration.ofSeconds(envInt(env, "LOCAL_STACK_START_TIMEOUT", 120)),
                    javaOpts.isEmpty() ? DEFAULT_CHILD_JVM_OPTIONS : Arrays.asList(javaOpts.split("\\s+")));
        }

        /** Heap kept small: four JVMs share the machine. C1 only: start-up time matters more here than peak speed. */
        static final List<String> DEFAULT_CHILD_JVM_OPTIONS =
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

        public Config dataDir(Path dir) {
            return new Config(dir, clean, gatewayPort, kafkaPort, postgresPort, repoRoot, topic, startTimeout, childJvmOptions);
        }

        public Config clean(boolean c) {
            return new Config(dataDir, c, gatewayPort, kafkaPort, postgresPort, repoRoot, topic, startTimeout, childJvmOptions);
        }

        /** 0 = a random free port. */
        public Config gatewayPort(int port) {
            return new Config(dataDir, clean, port, kafkaPort, postgresPort, repoRoot, topic, startTimeout, childJvmOptions);
        }

        /** 0 = a random free port. */
        public Config kafkaPort(int port) {
            return new Config(dataDir, clean, gatewayPort, port, postgresPort, repoRoot, topic, startTimeout, childJvmOptions);
        }

        /** 0 = a random free port. */
        public Config postgresPort(int port) {
            return new Config(dataDir, clean, gatewayPort, kafkaPort, port, repoRoot, topic, startTimeout, childJvmOptions);
        }

        /** The repository root, under which {@code <module>/target/<module>-*-exec.jar} are found. */
        public Config jarsFrom(Path root) {
            return new Config(dataDir, clean, gatewayPort, kafkaPort, postgresPort, root, topic, startTimeout, childJvmOptions);
        }

        public Config topic(String t) {
            return new Config(dataDir, clean, gatewayPort, kafkaPort, postgresPort, repoRoot, t, startTimeout, childJvmOptions);
        }

        /** How long each component may take to become ready. */
        public Config startTimeout(Duration d) {
            return new Config(dataDir, clean, gatewayPort, kafkaPort, postgresPort, repoRoot, topic, d, childJvmOptions);
        }

        /** JVM options for every child (heap, GC); {@code -Daxoniq.update-checker.disabled=true} is always added. */
        public Config childJvmOptions(List<String> opts) {
            return new Config(dataDir, clean, gatewayPort, kafkaPort, postgresPort, repoRoot, topic, startTimeout, opts);
        }

        public Path dataDir() { return dataDir; }
        public boolean clean() { return clean; }
        public int gatewayPort() { return gatewayPort; }
        public int kafkaPort() { return kafkaPort; }
        public int postgresPort() { return postgresPort; }
        public Path jarsFrom() { return repoRoot; }
        public String topic() { return topic; }
        public Duration startTimeout() { return startTimeout; }
        public List<String> childJvmOptions() { return childJvmOptions; }

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

    /** A started stack. {@link #close()} stops everything, gateway first and PostgreSQL last. */
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
        /** Completes when any child process ends (for a caller that wants to notice a crash). */
        CompletableFuture<String> anyChildExited();

        @Override
        void close();
    }

    /** Starts everything and waits until each part is healthy; on failure stops what was started and throws. */
    public static Running start(Config cfg) {
        return new Stack(cfg).start();
    }

    /** Not started yet: lets main() hand the stack to its shutdown hook before starting it. */
    static Stack prepare(Config cfg) {
        return new Stack(cfg);
    }

    private record Service(String name, String healthPath) {}

    private static final Service COMMAND = new Service("command-service", "/actuator/health");
    private static final Service QUERY = new Service("query-service", "/actuator/health");
    private static final Service GATEWAY = new Service("gateway", "/readyz");

    static final class Stack implements Running {
        private final Config cfg;
        private final Layout layout;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile PostgresServer pg;
        private volatile KafkaBroker kafka;
        private final List<ChildProcess> services = Collections.synchronizedList(new ArrayList<>());
        private String gatewayUrl;
        private String commandUrl;
        private String queryUrl;

        Stack(Config cfg) {
            this.cfg = cfg;
            this.layout = new Layout(cfg.dataDir());
        }

        Stack start() {
            Path commandJar = findJar(COMMAND.name());
            Path queryJar = findJar(QUERY.name());
            Path gatewayJar = findJar(GATEWAY.name());
            if (cfg.clean()) {
                endLeftovers();
                layout.clean();
            }
            layout.create();
            endLeftovers();
            int gatewayPort = Ports.claim(cfg.gatewayPort(), "the gateway", "GATEWAY_PORT");
            int kafkaPort = Ports.claim(cfg.kafkaPort(), "Kafka", "KAFKA_PORT");
            int pgPort = Ports.claim(cfg.postgresPort(), "PostgreSQL", "PG_PORT");
            try {
                long t0 = System.nanoTime();
                pg = keep(PostgresServer.start(layout, pgPort, cfg.startTimeout(), List.of(COMMANDS_DB, QUERIES_DB)));
                progress("PostgreSQL ready on port " + pgPort, t0);

                t0 = System.nanoTime();
                kafka = keep(KafkaBroker.start(layout, kafkaPort, kafkaClasspath(), kafkaJvmOptions(), cfg.startTimeout()));
                progress("Kafka ready on " + kafka.bootstrapServers(), t0);

                t0 = System.nanoTime();
                int commandPort = Ports.free();
                int queryPort = Ports.free();
                commandUrl = "http://127.0.0.1:" + commandPort;
                queryUrl = "http://127.0.0.1:" + queryPort;
                gatewayUrl = "http://127.0.0.1:" + gatewayPort;
                // all three at once: none needs another to start (the gateway's /readyz waits for both backends)
                ChildProcess command = startService(COMMAND, commandJar, commandPort, List.of(
                        "--spring.datasource.url=" + pg.jdbcUrlNoUser(COMMANDS_DB),
                        "--spring.datasource.username=" + PostgresServer.USER,
                        "--spring.datasource.password=" + PostgresServer.USER,
                        "--zep.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--zep.kafka.topic=" + cfg.topic()));
                ChildProcess query = startService(QUERY, queryJar, queryPort, List.of(
                        "--spring.datasource.url=" + pg.jdbcUrlNoUser(QUERIES_DB),
                        "--spring.datasource.username=" + PostgresServer.USER,
                        "--spring.datasource.password=" + PostgresServer.USER,
                        "--zep.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--zep.kafka.topic=" + cfg.topic()));
                ChildProcess gateway = startService(GATEWAY, gatewayJar, gatewayPort, List.of(
                        "--zep.gateway.command-uri=" + commandUrl,
                        "--zep.gateway.query-uri=" + queryUrl));
                command.awaitHttpOk(commandUrl + COMMAND.healthPath(), cfg.startTimeout());
                query.awaitHttpOk(queryUrl + QUERY.healthPath(), cfg.startTimeout());
                gateway.awaitHttpOk(gatewayUrl + GATEWAY.healthPath(), cfg.startTimeout());
                progress("services ready", t0);
                return this;
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private ChildProcess startService(Service s, Path jar, int port, List<String> props) {
            List<String> jvm = new ArrayList<>(cfg.childJvmOptions());
            jvm.add("-Daxoniq.update-checker.disabled=true");
            List<String> args = new ArrayList<>(List.of("-jar", jar.toString(),
                    "--server.port=" + port, "--server.address=127.0.0.1"));
            args.addAll(props);
            synchronized (services) {
                if (closed.get()) {
                    throw new LocalStackException("stopped while starting");
                }
                ChildProcess child = ChildProcess.startJava(s.name(), layout, jvm, args);
                services.add(child);
                return child;
            }
        }

        /** A part that finished starting after close() began (a signal during start-up) is stopped at once. */
        private <T extends AutoCloseable> T keep(T part) {
            synchronized (services) {
                if (!closed.get()) {
                    return part;
                }
            }
            try {
                part.close();
            } catch (Exception ignored) {
                // best effort: we are already stopping
            }
            throw new LocalStackException("stopped while starting");
        }

        private List<String> kafkaJvmOptions() {
            return List.of("-Xms128m", "-Xmx384m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true");
        }

        /** The broker's classpath: the module's copied runtime jars when present, else this JVM's classpath. */
        private String kafkaClasspath() {
            Path lib = cfg.jarsFrom().toAbsolutePath().resolve("local-stack/target/lib");
            if (Files.isDirectory(lib) && Files.exists(lib.resolve(kafkaJarName()))) {
                return lib + "/*";
            }
            return System.getProperty("java.class.path");
        }

        private static String kafkaJarName() {
            String v = org.apache.kafka.common.utils.AppInfoParser.getVersion();
            return "kafka_2.13-" + v + ".jar";
        }

        private void endLeftovers() {
            if (!Files.isDirectory(layout.run())) {
                return;
            }
            for (String name : List.of(GATEWAY.name(), QUERY.name(), COMMAND.name(), KafkaBroker.NAME)) {
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
            return found.stream().max(Comparator.comparing(Stack::mtime)).orElseThrow(() -> new LocalStackException(
                    "no " + module + "/target/" + module + "-*-exec.jar under " + cfg.jarsFrom().toAbsolutePath().normalize()
                            + "; build it first: ./mvnw -q -B -DskipTests package"));
        }

        private static long mtime(Path p) {
            try {
                return Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return 0;
            }
        }

        private static void progress(String what, long t0) {
            System.out.printf("local-stack: %s (%.1f s)%n", what, (System.nanoTime() - t0) / 1e9);
        }

        @Override
        public void close() {
            List<ChildProcess> reversed;
            synchronized (services) {
                if (closed.getAndSet(true)) {
                    return;
                }
                reversed = new ArrayList<>(services);
            }
            Collections.reverse(reversed); // gateway, query, command
            for (ChildProcess s : reversed) {
                s.stop(Duration.ofSeconds(20));
            }
            KafkaBroker k;
            PostgresServer p;
            synchronized (services) {
                k = kafka;
                p = pg;
            }
            if (k != null) {
                k.close();
            }
            if (p != null) {
                p.close();
            }
        }

        boolean startedAnything() {
            synchronized (services) {
                return pg != null || kafka != null || !services.isEmpty();
            }
        }

        @Override
        public CompletableFuture<String> anyChildExited() {
            List<CompletableFuture<String>> exits = new ArrayList<>();
            synchronized (services) {
                List<ChildProcess> all = new ArrayList<>(services);
                if (kafka != null) {
                    all.add(kafka.process());
                }
                for (ChildProcess c : all) {
                    exits.add(c.process().onExit().thenApply(p -> c.name() + " exited with code " + p.exitValue()
                            + "; log: " + c.logFile() + "\n" + ChildProcess.tail(c.logFile(), 30)));
                }
            }
            CompletableFuture<String> any = new CompletableFuture<>();
            exits.forEach(f -> f.thenAccept(any::complete));
            return any;
        }

        @Override public String gatewayUrl() { return gatewayUrl; }
        @Override public String commandServiceUrl() { return commandUrl; }
        @Override public String queryServiceUrl() { return queryUrl; }
        @Override public String kafkaBootstrapServers() { return kafka.bootstrapServers(); }
        @Override public String topic() { return cfg.topic(); }
        @Override public String commandsJdbcUrl() { return pg.jdbcUrl(COMMANDS_DB); }
        @Override public String queriesJdbcUrl() { return pg.jdbcUrl(QUERIES_DB); }
        @Override public int postgresPort() { return pg.port(); }
        @Override public Path dataDir() { return layout.root(); }
        @Override public Path logsDir() { return layout.logs(); }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** {@code ./run [--clean] [--data-dir=DIR]}: start, print where everything is, then run until terminated. */
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
        Stack stack = prepare(cfg);
        Thread mainThread = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            boolean anything = stack.startedAnything();
            if (anything) {
                System.out.println("local-stack: stopping ...");
            }
            stack.close();
            try {
                // if we were still starting, main notices the close and stops the part it was starting
                mainThread.join(60_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (anything) {
                System.out.println("local-stack: stopped");
            }
        }, "local-stack-shutdown"));

        System.out.println("local-stack: starting (data dir " + display(cfg.dataDir()) + (cfg.clean() ? ", cleaned" : "") + ")");
        long t0 = System.nanoTime();
        Running s;
        try {
            s = stack.start();
        } catch (LocalStackException e) {
            if (stopping.get()) {
                return; // terminated while starting; the hook is stopping everything
            }
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf("local-stack: everything ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("Kafka bootstrap servers: " + s.kafkaBootstrapServers() + "   topic: " + s.topic());
        System.out.println("PostgreSQL (commands):   " + s.commandsJdbcUrl());
        System.out.println("PostgreSQL (queries):    " + s.queriesJdbcUrl());
        System.out.println("Logs:                    " + display(s.logsDir()) + "/");
        System.out.println("READY " + s.gatewayUrl());
        System.out.flush();

        String exit;
        try {
            exit = s.anyChildExited().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            exit = e.toString();
        }
        if (!stopping.get()) {
            System.err.println("ERROR: " + exit);
            new Thread(() -> System.exit(1)).start(); // runs the hook, which stops the rest (and joins this thread)
        }
    }

    private static String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    private static void usage(PrintStream out) {
        out.println("usage: ./run [--no-build] [--clean] [--data-dir=DIR]");
        out.println("  starts PostgreSQL, Kafka, command-service, query-service and the gateway; Ctrl-C stops them");
        out.println("  --clean          delete the data directory's pg/, kafka/, logs/ first");
        out.println("  --data-dir=DIR   where data and logs live (default ./data)");
        out.println("  env: GATEWAY_PORT (8000), KAFKA_PORT (9092), PG_PORT (random), 0 = random free port;");
        out.println("       LOCAL_STACK_START_TIMEOUT (seconds per component, 120), LOCAL_STACK_JAVA_OPTS");
    }
}
