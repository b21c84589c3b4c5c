package io.zepusers.localstack.bench.faults;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.EventTypes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The Kafka topic against the event store: every event in {@code domainevententry} must be on the
 * topic exactly once per (aggregate, sequence), each aggregate's events in sequence order. Personal
 * fields are encrypted in the store, so events are compared by id, aggregate, sequence and type.
 * Findings count in the phase the event was stored in (a copy published again after a crash shows
 * in the phase before that crash when the event was stored then).
 */
final class TopicAudit {
  final Tally lost = new Tally();
  final Tally doubled = new Tally();
  final Tally outOfOrder = new Tally();
  final Tally divergent = new Tally();
  long stored;
  long onTopic;

  private record Stored(String eventId, String payloadType, Instant at, int phase) {}

  private record Published(
      String aggregate, long sequence, String eventId, String type, int partition) {}

  /**
   * Repeats the audit until nothing is missing from the topic (the publisher may still be catching
   * up), or {@code patience} ran out.
   */
  void runUntilComplete(
      String commandsJdbcUrl,
      String bootstrap,
      String topic,
      ToIntFunction<Instant> phaseOf,
      Duration patience)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      run(commandsJdbcUrl, bootstrap, topic, phaseOf);
      if (lost.total() == 0 || System.nanoTime() > deadline) {
        return;
      }
      Thread.sleep(2000);
    }
  }

  private void run(
      String commandsJdbcUrl, String bootstrap, String topic, ToIntFunction<Instant> phaseOf)
      throws SQLException {
    for (Tally t : List.of(lost, doubled, outOfOrder, divergent)) {
      t.clear();
    }
    Map<String, Stored> store = readStore(commandsJdbcUrl, phaseOf);
    List<Published> records = readTopic(bootstrap, topic);
    stored = store.size();
    onTopic = records.size();

    Map<String, Integer> copies = new HashMap<>();
    Map<String, Long> lastSequence = new HashMap<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    for (Published p : records) {
      String key = p.aggregate() + "#" + p.sequence();
      Stored s = store.get(key);
      int phase = s == null ? 0 : s.phase();
      if (copies.merge(key, 1, Integer::sum) > 1) {
        continue; // a redelivery; counted below, and not an ordering problem
      }
      if (s == null) {
        divergent.add(phase, "on the topic but not in the store: " + key + " " + p.type());
      } else if (!s.eventId().equals(p.eventId()) || !typeMatches(p.type(), s.payloadType())) {
        divergent.add(
            phase,
            key
                + " is "
                + p.type()
                + " "
                + p.eventId()
                + " on the topic, "
                + s.payloadType()
                + " "
                + s.eventId()
                + " in the store");
      }
      Integer partition = partitionOf.putIfAbsent(p.aggregate(), p.partition());
      Long last = lastSequence.put(p.aggregate(), p.sequence());
      if ((partition != null && partition != p.partition())
          || (last != null && p.sequence() < last)) {
        outOfOrder.add(
            phase,
            p.aggregate()
                + ": sequence "
                + p.sequence()
                + " after "
                + last
                + (partition != null && partition != p.partition() ? " on another partition" : ""));
      }
    }
    for (Map.Entry<String, Stored> e : store.entrySet()) {
      int n = copies.getOrDefault(e.getKey(), 0);
      if (n == 0) {
        lost.add(
            e.getValue().phase(),
            e.getKey()
                + " ("
                + e.getValue().payloadType()
                + ", stored "
                + e.getValue().at()
                + ") is not on the topic");
      } else if (n > 1) {
        doubled.add(
            e.getValue().phase(),
            e.getKey() + " (stored " + e.getValue().at() + ") is on the topic " + n + " times");
      }
    }
  }

  private static Stored stored(
      String eventId, String payloadType, Instant at, ToIntFunction<Instant> phaseOf) {
    return new Stored(eventId, payloadType, at, phaseOf.applyAsInt(at));
  }

  /**
   * The store names events as the contract does; rows from before V8 may still carry the class
   * name.
   */
  private static boolean typeMatches(String ceType, String payloadType) {
    return ceType.equals(payloadType)
        || EventTypes.classOf(ceType).map(Class::getName).map(payloadType::equals).orElse(false);
  }

  private static Map<String, Stored> readStore(String jdbcUrl, ToIntFunction<Instant> phaseOf)
      throws SQLException {
    Map<String, Stored> store = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select aggregateidentifier, sequencenumber, eventidentifier, payloadtype, \"timestamp\" from domainevententry")) {
      while (rs.next()) {
        store.put(
            rs.getString(1) + "#" + rs.getLong(2),
            stored(rs.getString(3), rs.getString(4), Instant.parse(rs.getString(5)), phaseOf));
      }
    }
    return store;
  }

  /**
   * Every record from the beginning of each partition up to where it ended when this began, in
   * offset order.
   */
  private static List<Published> readTopic(String bootstrap, String topic) {
    List<Published> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (partitions.stream()
          .anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within 120 s");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            out.add(
                new Published(
                    header(r, CloudEventsKafka.AGGREGATE_ID),
                    sequence(r),
                    header(r, CloudEventsKafka.ID),
                    header(r, CloudEventsKafka.TYPE),
                    r.partition()));
          }
        }
      }
    }
    // poll hands out partitions in turns; order matters only within one, which poll keeps
    return out;
  }

  /**
   * -1 for a record without a readable sequence: it matches no stored event and shows as divergent.
   */
  private static long sequence(ConsumerRecord<String, byte[]> r) {
    try {
      return Long.parseLong(header(r, CloudEventsKafka.SEQUENCE));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }
}
