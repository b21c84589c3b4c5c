package io.zepusers.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) as a child JVM, from the
 * kafka_2.13 jars on Maven Central. The controller quorum is static ({@code
 * controller.quorum.voters}), so the controller port is not part of the formatted metadata and may
 * change from one start to the next.
 */
final class KafkaBroker implements AutoCloseable, RunningPart {
  static final String NAME = "kafka";

  private final ChildProcess process;
  private final String bootstrapServers;

  private KafkaBroker(ChildProcess process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts the broker on {@code port} and its data directory (formatted on the first start) and
   * waits until it serves.
   */
  static KafkaBroker start(
      Layout layout,
      int port,
      String classpath,
      List<String> jvmOpts,
      Duration timeout,
      boolean restart,
      BooleanSupplier cancelled) {
    int controllerPort = Ports.free();
    Path dir = layout.kafka();
    Path data = dir.resolve("data");
    Path props = dir.resolve("server.properties");
    Path log4j = dir.resolve("log4j2.properties");
    try {
      Files.createDirectories(dir);
      Files.writeString(props, serverProperties(port, controllerPort, data));
      Files.writeString(log4j, LOG4J2);
    } catch (IOException e) {
      throw new LocalStackException(
          "cannot write Kafka configuration in " + dir + ": " + e.getMessage(), e);
    }
    List<String> common = List.of("-cp", classpath, "-Dlog4j2.configurationFile=" + log4j.toUri());
    if (!Files.exists(data.resolve("meta.properties"))) {
      Layout.deleteRecursively(data); // a half-formatted directory from an interrupted first start
      List<String> format = new ArrayList<>(common);
      format.addAll(
          List.of(
              "-Xmx256m",
              "kafka.tools.StorageTool",
              "format",
              "-t",
              Uuid.randomUuid().toString(),
              "-c",
              props.toString()));
      ChildProcess.runJava("kafka-format", layout, format, Duration.ofSeconds(60));
    }
    List<String> jvm = new ArrayList<>(jvmOpts);
    jvm.addAll(common);
    // SIGTERM = controlled shutdown, which takes a few seconds
    ChildProcess child =
        ChildProcess.startJava(
            NAME,
            layout,
            jvm,
            List.of("kafka.Kafka", props.toString()),
            Map.of(),
            restart,
            Duration.ofSeconds(30));
    KafkaBroker broker = new KafkaBroker(child, "127.0.0.1:" + port);
    try {
      child.awaitReady("TCP 127.0.0.1:" + port, () -> portOpen(port), timeout, cancelled);
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
        child.awaitReady("AdminClient describeCluster", () -> clusterUp(admin), timeout, cancelled);
      }
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private static boolean clusterUp(Admin admin) {
    try {
      return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public CompletableFuture<OptionalInt> exited() {
    return process.exited();
  }

  @Override
  public void stop() {
    process.stop();
  }

  @Override
  public void close() {
    stop();
  }

  private static String serverProperties(int port, int controllerPort, Path data) {
    return String.join(
        "\n",
        "# written by local-stack on every start (ports may change); edit LocalStack, not this file",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + data,
        "num.partitions=3",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "share.coordinator.state.topic.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        // the topic is transport, the event store the history: records go after 7 days (the event
        // topic's generations get command-service's zep.kafka.retention, 7 days unless set)
        "log.retention.hours=168",
        "log.cleaner.dedupe.buffer.size=16777216",
        "");
  }

  private static final String LOG4J2 =
      String.join(
          "\n",
          "status = warn",
          "appender.out.type = Console",
          "appender.out.name = OUT",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = WARN",
          "rootLogger.appenderRef.out.ref = OUT",
          // one INFO line that says the broker is up
          "logger.started.name = kafka.server.KafkaRaftServer",
          "logger.started.level = INFO",
          "");
}
