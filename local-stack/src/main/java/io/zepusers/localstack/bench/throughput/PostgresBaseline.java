package io.zepusers.localstack.bench.throughput;

import io.zepusers.localstack.LocalStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL's own rates on the stack's PostgreSQL (same binaries, settings and machine):
 * single-row INSERTs into a table shaped like a user row, and primary-key SELECTs, each by {@code
 * clients} JDBC connections at once.
 */
final class PostgresBaseline {

  record Result(
      double insertsPerSecond,
      double insertP99Millis,
      double selectsPerSecond,
      double selectP99Millis) {}

  private interface Step {
    void run(Connection c, PreparedStatement s, long n) throws Exception;
  }

  static Result measure(LocalStack.Running stack, int clients, int seconds) throws Exception {
    String url = stack.commandsJdbcUrl().replace("/commands", "/postgres");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("drop table if exists bench_users");
      s.execute(
          "create table bench_users (id text primary key, email text, first_name text, last_name text, metadata jsonb,"
              + " created_at timestamptz not null default now())");
    }
    AtomicLong ids = new AtomicLong();
    String insert =
        "insert into bench_users (id, email, first_name, last_name, metadata) values (?, ?, 'Ada', 'Lovelace', ?::jsonb)";
    Step inserting =
        (c, s, n) -> {
          String id = "pg-" + ids.incrementAndGet();
          s.setString(1, id);
          s.setString(2, id + "@example.com");
          s.setString(
              3,
              "{\"plan\":\"pro\",\"seats\":" + (n % 50) + ",\"tags\":[\"bench\",\"throughput\"]}");
          s.executeUpdate();
        };
    run(url, clients, 1, insert, inserting); // warm-up
    Latencies inserts = run(url, clients, seconds, insert, inserting);
    long rows = ids.get();
    Step selecting =
        (c, s, n) -> {
          s.setString(1, "pg-" + ThreadLocalRandom.current().nextLong(1, rows + 1));
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
              throw new IllegalStateException("missing row");
            }
          }
        };
    String select =
        "select id, email, first_name, last_name, metadata, created_at from bench_users where id = ?";
    run(url, clients, 1, select, selecting);
    Latencies selects = run(url, clients, seconds, select, selecting);
    return new Result(
        inserts.perSecond(), inserts.p99Millis(), selects.perSecond(), selects.p99Millis());
  }

  private static Latencies run(String url, int clients, int seconds, String sql, Step step)
      throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Latencies latencies = new Latencies();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      Thread t =
          new Thread(
              () -> {
                try (Connection c = DriverManager.getConnection(url);
                    PreparedStatement s = c.prepareStatement(sql)) {
                  for (long n = 0; System.nanoTime() < end; n++) {
                    long r0 = System.nanoTime();
                    step.run(c, s, n);
                    latencies.add(System.nanoTime() - r0);
                  }
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("PostgreSQL baseline failed", failures.get(0));
    }
    latencies.seconds((System.nanoTime() - t0) / 1e9);
    return latencies;
  }
}
