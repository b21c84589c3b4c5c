package io.zepusers.command.publish;

import io.zepusers.command.eventstore.ProcessingGroups;
import io.zepusers.events.CloudEventsKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * Events Kafka has that the publisher's stored token does not cover yet: those of a batch whose
 * token commit failed (the database went away), and, after a restart, the last records of each
 * partition (a crash between Kafka's acknowledgement and the token's commit). The publisher does
 * not send these again when it handles them once more; entries go as their batch commits. Only this
 * service writes the topic, and a batch holds at most {@code batch-size} events, so the last {@code
 * batch-size} records of each partition hold every such event.
 */
@Component
// the producer creates the topic; reading it first would let Kafka auto-create it
@DependsOn("eventProducer")
public class PublishedNotCommitted {

  private static final Logger log = LoggerFactory.getLogger(PublishedNotCommitted.class);

  private final Map<String, RecordMetadata> byEventId = new ConcurrentHashMap<>();

  PublishedNotCommitted(
      KafkaSettings settings,
      Generations generations,
      @Value(
              "${axon.eventhandling.processors."
                  + ProcessingGroups.KAFKA_PUBLISHER
                  + ".batch-size:100}")
          int batchSize) {
    byEventId.putAll(
        readTail(settings.bootstrapServers(), generations.current().topic(), batchSize));
  }

  /**
   * Where the event landed in {@code topic} without its batch committing; null if it is to be sent.
   */
  RecordMetadata get(String eventId, String topic) {
    RecordMetadata landed = byEventId.get(eventId);
    return landed != null && landed.topic().equals(topic) ? landed : null;
  }

  void acknowledged(String eventId, RecordMetadata landed) {
    byEventId.put(eventId, landed);
  }

  void committed(String eventId) {
    byEventId.remove(eventId);
  }

  /** Before a republish: every event is to be sent again, whatever Kafka has. */
  public void forget() {
    byEventId.clear();
  }

  /**
   * Event id to where it landed, for the last {@code perPartition} records of each partition of the
   * topic.
   */
  static Map<String, RecordMetadata> readTail(
      String bootstrapServers, String topic, int perPartition) {
    Map<String, RecordMetadata> tail = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> begin =
          consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, Math.max(begin.get(partition), end.get(partition) - perPartition));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Header id = record.headers().lastHeader(CloudEventsKafka.ID);
          if (id != null) {
            tail.put(
                new String(id.value(), StandardCharsets.UTF_8),
                new RecordMetadata(
                    new TopicPartition(record.topic(), record.partition()),
                    record.offset(),
                    0,
                    record.timestamp(),
                    record.serializedKeySize(),
                    record.serializedValueSize()));
          }
        }
      }
    }
    log.info(
        "the last records of {}: {} events the publisher will not send again", topic, tail.size());
    return tail;
  }
}
