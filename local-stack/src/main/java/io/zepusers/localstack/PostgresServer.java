package io.zepusers.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PostgreSQL (zonky embedded binaries) on a persistent data directory.
 *
 * <p>zonky runs {@code initdb} only when {@code cleanDataDirectory} is set or the directory has no
 * {@code postgresql.conf}; with {@code setCleanDataDirectory(false)} an existing cluster is simply
 * started again, which is what keeps data across restarts. Two leftovers of an abruptly ended run
 * are handled here: a half-initialised directory (initdb refuses a non-empty one) and a postmaster
 * still running on it.
 */
final class PostgresServer implements AutoCloseable, RunningPart {
  static final String NAME = "postgres";
  static final String USER = "postgres";

  private final EmbeddedPostgres pg;
  private final int port;
  private final ProcessHandle postmaster;

  private PostgresServer(EmbeddedPostgres pg, int port, ProcessHandle postmaster) {
    this.pg = pg;
    this.port = port;
    this.postmaster = postmaster;
  }

  /**
   * Starts the cluster in {@code layout.pg()} (initialised on the first start) on {@code port},
   * with {@code databases}.
   */
  static PostgresServer start(Layout layout, int port, Duration timeout, List<String> databases) {
    Path dir = layout.pg();
    Path log = layout.log("postgres");
    try {
      if (Files.isDirectory(dir)
          && !Files.exists(dir.resolve("postgresql.conf"))
          && !isEmpty(dir)) {
        System.err.println(
            "local-stack: "
                + dir
                + " holds no complete cluster (interrupted initdb?); initialising it again");
        Layout.deleteRecursively(dir);
      }
      endLeftoverPostmaster(dir);
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPort(port)
              .setServerConfig("listen_addresses", "127.0.0.1")
              // zonky starts the server with fsync off (-F) and synchronous_commit off: a crash of
              // the machine could then lose commits a service has answered for, or corrupt the
              // cluster. A local stack is the system of record for whoever runs it.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              // what each statement costs, for operators and the benches (CREATE EXTENSION
              // pg_stat_statements in a database to read it)
              .setServerConfig("shared_preload_libraries", "pg_stat_statements")
              .setPGStartupWait(timeout)
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      // pg_ctl runs the server as a daemon: it is not our child, so it is watched through its pid
      // file
      ProcessHandle postmaster =
          ChildProcess.readPid(dir.resolve("postmaster.pid"))
              .flatMap(ProcessHandle::of)
              .orElse(null);
      PostgresServer server = new PostgresServer(pg, port, postmaster);
      try {
        if (postmaster == null) {
          throw new LocalStackException(
              "PostgreSQL started on port "
                  + port
                  + " but "
                  + dir.resolve("postmaster.pid")
                  + " names no running process");
        }
        server.createDatabases(databases);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException | RuntimeException e) {
      if (e instanceof LocalStackException lse) {
        throw lse;
      }
      throw ChildProcess.failure(
          "PostgreSQL did not start on port " + port + ": " + e.getMessage(), log);
    }
  }

  private void createDatabases(List<String> names) {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"))) {
      for (String name : names) {
        try (PreparedStatement q =
            c.prepareStatement("select 1 from pg_database where datname = ?")) {
          q.setString(1, name);
          try (ResultSet rs = q.executeQuery()) {
            if (rs.next()) {
              continue;
            }
          }
        }
        // ids compared byte by byte: with the cluster's C.UTF-8 (or any libc locale) every index
        // comparison of a text key went through strcoll, about 3 % of the machine's CPU in a
        // rebuild (docs/performance.md). For valid UTF-8, C orders as C.UTF-8 does, by code point.
        try (Statement s = c.createStatement()) {
          s.execute("create database \"" + name + "\" template template0 lc_collate 'C'");
        }
      }
    } catch (SQLException e) {
      throw new LocalStackException("cannot create databases " + names + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code jdbc:postgresql://127.0.0.1:<port>/<db>?user=postgres} (trust authentication, loopback
   * only).
   */
  String jdbcUrl(String database) {
    return jdbcUrl(port, database);
  }

  static String jdbcUrl(int port, String database) {
    return jdbcUrlNoUser(port, database) + "?user=" + USER;
  }

  /** The same URL without credentials, for {@code spring.datasource.url}. */
  static String jdbcUrlNoUser(int port, String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  int port() {
    return port;
  }

  @Override
  public long pid() {
    return postmaster.pid();
  }

  /**
   * Polled every 250 ms: the JDK notices the end of a process that is not its child only after
   * seconds. The exit code of such a process is not known.
   */
  @Override
  public CompletableFuture<OptionalInt> exited() {
    CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (postmaster.isAlive()) {
                  Thread.sleep(250);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exited.complete(OptionalInt.empty());
            },
            "watch-postgres-" + postmaster.pid());
    watcher.setDaemon(true);
    watcher.start();
    return exited;
  }

  /**
   * {@code pg_ctl stop -m fast}; after a crash it only releases zonky's lock on the data directory.
   */
  @Override
  public void stop() {
    close();
  }

  @Override
  public void close() {
    try {
      pg.close(); // pg_ctl stop -m fast, waiting 5 s at most
    } catch (IOException e) {
      System.err.println("local-stack: stopping PostgreSQL: " + e.getMessage());
    }
    if (postmaster == null) {
      return;
    }
    try {
      postmaster.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println(
          "local-stack: PostgreSQL (pid "
              + postmaster.pid()
              + ") did not stop within 30 s; killing it");
      postmaster.destroyForcibly();
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /**
   * A postmaster of an earlier run whose parent JVM was killed still holds the directory: stop it
   * (SIGTERM).
   */
  private static void endLeftoverPostmaster(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    var pid = ChildProcess.readPid(pidFile);
    if (pid.isEmpty()) {
      return;
    }
    var handle =
        ProcessHandle.of(pid.get())
            .filter(ProcessHandle::isAlive)
            .filter(
                h ->
                    h.info()
                        .commandLine()
                        .orElse(h.info().command().orElse(""))
                        .contains("postgres"));
    if (handle.isEmpty()) {
      // postgres treats a lock file naming a dead process as stale, but not one whose pid was
      // reused
      Files.deleteIfExists(pidFile);
      return;
    }
    ProcessHandle h = handle.get();
    System.err.println(
        "local-stack: stopping PostgreSQL (pid "
            + h.pid()
            + ") left over from an earlier run on "
            + dir);
    h.destroy();
    try {
      h.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      h.destroyForcibly();
    }
  }
}
