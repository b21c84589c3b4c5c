package io.zepusers.localstack.bench;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.ZepEvent;
import io.zepusers.localstack.LocalStack;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes events straight onto a stack's topic, as command-service would publish them, in large
 * batches: for benches that need more events than the API could create in the time.
 */
public final class TopicWriter implements AutoCloseable {

  private final LocalStack.Running stack;
  private final KafkaProducer<String, byte[]> producer;

  public TopicWriter(LocalStack.Running stack) {
    this.stack = stack;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                262_144),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /**
   * Sends event number {@code sequence} of {@code aggregate}, stamped with the event's own time.
   */
  public void send(String aggregate, long sequence, ZepEvent event) {
    producer.send(
        CloudEventsKafka.toRecord(
            stack.topic(),
            new PublishedEvent(
                UUID.randomUUID().toString(), event.occurredAt(), aggregate, sequence, event)));
  }

  /** Waits until Kafka has every event sent, then closes. */
  @Override
  public void close() {
    producer.flush();
    producer.close();
  }
}
