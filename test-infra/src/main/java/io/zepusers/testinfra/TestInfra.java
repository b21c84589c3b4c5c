package io.zepusers.testinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
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
      // retention is enforced every second (the broker's default is every five minutes), so that a
      // test whose records a topic's retention would delete fails every time, not once in a while
      kafka = new EmbeddedKafkaKraftBroker(1, 1);
      kafka.brokerProperties(Map.of("log.retention.check.interval.ms", "1000"));
      kafka.afterPropertiesSet();
      EmbeddedKafkaKraftBroker started = kafka;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
    }
    return kafka.getBrokersAsString();
  }

  /**
   * Creates an event topic as command-service creates its own (EventTopics): records stamped with
   * the broker's append time, so that retention counts from a record's arrival. Tests publish
   * events dated years back; a topic that kept those timestamps would have them deleted by its
   * 7-day retention while the test still reads them.
   */
  public static void createEventTopic(String name, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(name, partitions, (short) 1)
                      .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topic " + name, e);
    }
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
