package io.zepusers.testinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Real PostgreSQL (zonky embedded binaries) and a real Kafka KRaft broker, each started once per
 * test JVM on random free ports and stopped when the JVM exits. Tests get a fresh database or topic
 * name each, so they never see each other's data.
 */
public final class TestInfra {

  private static EmbeddedPostgres postgres;
  private static EmbeddedKafkaKraftBroker kafka;
  private static final AtomicInteger counter = new AtomicInteger();

  private TestInfra() {}

  public static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(started)));
    }
    return postgres;
  }

  /**
   * Creates a new, empty database and returns its JDBC URL (user {@code postgres}, no password).
   */
  public static String newDatabase(String prefix) {
    String name =
        (prefix + "_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet())
            .toLowerCase();
    try (Connection c = postgres().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return postgres().getJdbcUrl("postgres", name);
  }

  public static synchronized String kafkaBootstrapServers() {
    if (kafka == null) {
      kafka = new EmbeddedKafkaKraftBroker(1, 1);
      kafka.afterPropertiesSet();
      EmbeddedKafkaKraftBroker started = kafka;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
    }
    return kafka.getBrokersAsString();
  }

  /** A topic name no other test in this JVM uses. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet();
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException ignored) {
      // the JVM is exiting; nothing left to clean up with
    }
  }
}
