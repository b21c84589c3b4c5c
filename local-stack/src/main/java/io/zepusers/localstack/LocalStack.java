package io.zepusers.localstack;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole system on one machine without Docker: embedded PostgreSQL, a real Kafka broker, and the
 * three services as child JVMs, all supervised (a part that exits is started again), and reads
 * working through the gateway before this returns. Used by {@code ./run}, the benchmarks and
 * end-to-end tests.
 *
 * <pre>{@code
 * try (LocalStack.Running s = LocalStack.start(LocalStackConfig.defaults().gatewayPort(0).dataDir(dir))) {
 *     http.send(GET s.gatewayUrl() + "/healthz") ...
 * }
 * }</pre>
 */
public final class LocalStack {
  static final String COMMANDS_DB = "commands";
  static final String QUERIES_DB = "queries";

  private LocalStack() {}

  /** The supervised parts' names, in start order. */
  public static final String POSTGRES = PostgresServer.NAME;

  public static final String KAFKA = KafkaBroker.NAME;
  public static final String COMMAND_SERVICE = "command-service";
  public static final String QUERY_SERVICE = "query-service";
  public static final String GATEWAY = "gateway";

  /** The three service JVMs (the parts that are not infrastructure), in start order. */
  public static final List<String> SERVICES = List.of(COMMAND_SERVICE, QUERY_SERVICE, GATEWAY);

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
  public static Running start(LocalStackConfig cfg) {
    return new Stack(cfg).start();
  }

  /** Not started yet: lets main() hand the stack to its shutdown hook before starting it. */
  static Stack prepare(LocalStackConfig cfg) {
    return new Stack(cfg);
  }

  /** {@code ./run}: see {@link LocalStackMain}. */
  public static void main(String[] args) {
    LocalStackMain.main(args);
  }
}
