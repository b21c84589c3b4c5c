package io.zepusers.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zepusers.events.TopicGenerations;
import io.zepusers.testinfra.TestInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays command-service's part in a rebuild, for tests that run query-service alone and publish
 * onto the topic themselves: its generation calls, over HTTP, against the real broker. A new
 * generation is a copy of the current one's records (end markers left out), followed until the
 * takeover, which ends each partition of the old one with a marker. command-service's own builder,
 * which writes from the event store, is tested in its GenerationsIT and end to end in LocalStackIT.
 */
final class GenerationStandIn implements AutoCloseable {

  private final String base;
  private final HttpServer server;
  private volatile int current = 1;
  private volatile Copy copy;
  private volatile Predicate<ConsumerRecord<String, byte[]>> leftOut = r -> false;

  GenerationStandIn(String base) throws IOException {
    this.base = base;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/admin/generations", this::handle);
    server.start();
  }

  /** A stand-in on a free port; for static fields. */
  static GenerationStandIn forTopic(String base) {
    try {
      return new GenerationStandIn(base);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The next generations lack the records {@code lost} matches, as if the event store had lost them
   * (restored from an older backup, say); {@code r -> false} copies everything again.
   */
  void leaveOut(Predicate<ConsumerRecord<String, byte[]>> lost) {
    leftOut = lost;
  }

  /** Where a publisher would write now. */
  String currentTopic() {
    return TopicGenerations.topic(base, current);
  }

  /**
   * Publishes as command-service does: to the current generation, never while a takeover is under
   * way (command-service holds writes back for that moment; here the two take turns on this
   * object's lock).
   */
  synchronized RecordMetadata publish(
      KafkaProducer<String, byte[]> producer, io.zepusers.events.PublishedEvent event)
      throws Exception {
    return producer.send(io.zepusers.events.CloudEventsKafka.toRecord(currentTopic(), event)).get();
  }

  @Override
  public void close() {
    Copy c = copy;
    if (c != null) {
      c.stop();
    }
    server.stop(0);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    try {
      if (method.equals("POST") && path.equals("/api/v1/admin/generations")) {
        int next = current + 1;
        String topic = TopicGenerations.topic(base, next);
        int partitions;
        try (Admin admin =
            Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrapServers()))) {
          partitions =
              admin
                  .describeTopics(List.of(currentTopic()))
                  .allTopicNames()
                  .get()
                  .get(currentTopic())
                  .partitions()
                  .size();
        }
        TestInfra.createEventTopic(topic, partitions);
        copy = new Copy(next, currentTopic(), topic);
        copy.thread.start();
        answer(exchange, 202, "{\"generation\":" + next + ",\"topic\":\"" + topic + "\"}");
      } else if (method.equals("GET") && path.equals("/api/v1/admin/generations")) {
        Copy c = copy;
        String building =
            c == null
                ? ""
                : ",{\"generation\":"
                    + c.generation
                    + ",\"topic\":\""
                    + c.to
                    + "\",\"state\":\"building\",\"position\":"
                    + c.copied.get()
                    + ",\"store_position\":"
                    + c.sourceEnd()
                    + ",\"events_written\":"
                    + c.copied.get()
                    + ",\"error\":null}";
        answer(
            exchange,
            200,
            "[{\"generation\":"
                + current
                + ",\"state\":\"current\",\"position\":null,\"store_position\":0,\"events_written\":0,\"error\":null}"
                + building
                + "]");
      } else if (method.equals("POST") && path.endsWith("/takeover")) {
        Copy c = copy;
        c.drainAndStop();
        try (KafkaProducer<String, byte[]> producer = producer()) {
          for (var partition : producer.partitionsFor(c.from)) {
            producer
                .send(
                    TopicGenerations.endedRecord(c.from, partition.partition(), c.generation, c.to))
                .get();
          }
        }
        current = c.generation;
        copy = null;
        answer(exchange, 200, "{}");
      } else if (method.equals("DELETE")) {
        Copy c = copy;
        if (c != null) {
          c.stop();
        }
        copy = null;
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      } else {
        answer(exchange, 404, "no such call");
      }
    } catch (Exception e) {
      answer(exchange, 500, e.toString());
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestInfra.kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Copies one generation's records into the next, partition by partition, in order. */
  private final class Copy {

    final int generation;
    final String from;
    final String to;
    final AtomicLong copied = new AtomicLong();
    final Thread thread = new Thread(this::run, "generation-stand-in");
    volatile boolean draining;
    volatile boolean stopped;
    volatile long sourceEnd;

    Copy(int generation, String from, String to) {
      this.generation = generation;
      this.from = from;
      this.to = to;
      thread.setDaemon(true);
    }

    long sourceEnd() {
      return sourceEnd;
    }

    void drainAndStop() throws InterruptedException {
      draining = true;
      thread.join(Duration.ofSeconds(60).toMillis());
    }

    void stop() {
      stopped = true;
    }

    private void run() {
      try (KafkaConsumer<String, byte[]> consumer =
              new KafkaConsumer<>(
                  Map.of(
                      ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers()),
                  new StringDeserializer(),
                  new ByteArrayDeserializer());
          KafkaProducer<String, byte[]> producer = producer()) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(from).stream()
                .map(p -> new TopicPartition(from, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (!stopped) {
          Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
          sourceEnd = ends.values().stream().mapToLong(Long::longValue).sum();
          boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
          if (atEnd && draining) {
            return;
          }
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (!TopicGenerations.isEnded(r) && !leftOut.test(r)) {
              producer
                  .send(
                      new ProducerRecord<>(
                          to, r.partition(), r.timestamp(), r.key(), r.value(), r.headers()))
                  .get();
            }
            copied.incrementAndGet();
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
