package io.zepusers.command.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.UserCreated;
import io.zepusers.testinfra.TestInfra;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * After a crash between Kafka's acknowledgement and the token's commit, the restarted publisher
 * finds what it had already sent in the last records of each partition (real broker).
 */
class PublishedNotCommittedIT {

  @Test
  void theTailOfEachPartitionNamesTheEventsItHolds() throws Exception {
    String topic = TestInfra.uniqueName("tail");
    TestInfra.createEventTopic(topic, 2);
    List<PublishedEvent> events = new ArrayList<>();
    List<RecordMetadata> landed = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < 12; i++) {
        String userId = "tail-user-" + i;
        PublishedEvent event =
            new PublishedEvent(
                UUID.randomUUID().toString(),
                Instant.parse("2024-01-01T00:00:00Z"),
                userId,
                i,
                new UserCreated(
                    userId,
                    UUID.randomUUID(),
                    i + 1,
                    null,
                    null,
                    null,
                    null,
                    Instant.parse("2024-01-01T00:00:00Z")));
        events.add(event);
        landed.add(producer.send(CloudEventsKafka.toRecord(topic, event)).get());
      }
    }

    Map<String, RecordMetadata> tail =
        PublishedNotCommitted.readTail(TestInfra.kafkaBootstrapServers(), topic, 3);

    // expected: on each partition, the last 3 records sent there
    Map<Integer, List<Integer>> sentTo = new TreeMap<>();
    for (int i = 0; i < events.size(); i++) {
      sentTo.computeIfAbsent(landed.get(i).partition(), p -> new ArrayList<>()).add(i);
    }
    Map<String, RecordMetadata> expected = new HashMap<>();
    sentTo
        .values()
        .forEach(
            sent ->
                sent.subList(Math.max(0, sent.size() - 3), sent.size())
                    .forEach(i -> expected.put(events.get(i).id(), landed.get(i))));
    assertThat(tail.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (id, sent) -> {
          assertThat(tail.get(id).partition()).isEqualTo(sent.partition());
          assertThat(tail.get(id).offset()).isEqualTo(sent.offset());
        });
    assertThat(tail.get(events.get(11).id()))
        .isNotNull(); // the last event sent is always in the tail
  }
}
