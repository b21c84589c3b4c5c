package io.zepusers.examples.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.TopicGenerations;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserDeleted;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import io.zepusers.testinfra.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example subscriber against a real broker and a real PostgreSQL, fed records as
 * command-service writes them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SubscriberIT {

  static final String TOPIC = TestInfra.uniqueName("sub-events");
  static final KafkaProducer<String, byte[]> producer =
      new KafkaProducer<>(
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              TestInfra.kafkaBootstrapServers(),
              ProducerConfig.ACKS_CONFIG,
              "all"),
          new StringSerializer(),
          new ByteArraySerializer());

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
    createTopic(TOPIC);
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("subscriber"));
    registry.add("spring.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("spring.kafka.consumer.group-id", () -> TestInfra.uniqueName("subscriber"));
    registry.add("subscriber.topic", () -> TOPIC);
  }

  @AfterAll
  static void closeProducer() {
    producer.close();
  }

  @Autowired JdbcTemplate jdbc;

  @Test
  void keepsEachUsersLatestStateAndIgnoresARedelivery() throws Exception {
    String user = "u-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    UserCreated created =
        new UserCreated(
            user,
            uuid,
            1,
            "a@x.io",
            "Ann",
            null,
            Map.of("plan", "free"),
            Instant.parse("2024-01-01T00:00:00Z"));
    UserUpdated renamed =
        new UserUpdated(
            user,
            uuid,
            "a@x.io",
            "Anna",
            "Smith",
            Map.of("plan", "pro"),
            Instant.parse("2024-01-02T00:00:00Z"));
    send(TOPIC, user, 0, created);
    send(TOPIC, user, 1, renamed);
    send(TOPIC, user, 0, created); // delivered again, as at-least-once delivery may
    // a later record of the same key, on the same partition: once it is applied, so is everything
    // before it
    send(
        TOPIC,
        "session:" + user + "-s",
        0,
        new SessionCreated(
            user + "-s",
            UUID.randomUUID(),
            1,
            user,
            Map.of(),
            Instant.parse("2024-01-03T00:00:00Z")));
    await().atMost(Duration.ofSeconds(30)).until(() -> applied("session:" + user + "-s") == 0);

    Map<String, Object> row =
        jdbc.queryForMap(
            "SELECT first_name, last_name, metadata::text AS metadata FROM users WHERE user_id = ?",
            user);
    assertThat(row).containsEntry("first_name", "Anna").containsEntry("last_name", "Smith");
    assertThat((String) row.get("metadata")).contains("\"pro\"");
    assertThat(applied(user)).isEqualTo(1);
  }

  @Test
  void aDeletedUserIsErasedAndAReplayCannotBringItBack() throws Exception {
    String user = "gone-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    UserCreated created =
        new UserCreated(
            user, uuid, 2, "secret@x.io", "Eve", null, null, Instant.parse("2024-01-01T00:00:00Z"));
    send(TOPIC, user, 0, created);
    send(TOPIC, user, 1, new UserDeleted(user, uuid, Instant.parse("2024-01-02T00:00:00Z")));
    await().atMost(Duration.ofSeconds(30)).until(() -> applied(user) == 1);
    assertThat(
            jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id = ?", Long.class, user))
        .isZero();

    send(TOPIC, user, 0, created); // an old record read again
    // a later record of the same key, on the same partition: once it is applied, so is the old one
    String later = "session:" + user + "-s";
    send(
        TOPIC,
        later,
        0,
        new SessionCreated(
            user + "-s",
            UUID.randomUUID(),
            3,
            user,
            Map.of(),
            Instant.parse("2024-01-03T00:00:00Z")));
    await().atMost(Duration.ofSeconds(30)).until(() -> applied(later) == 0);
    assertThat(
            jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id = ?", Long.class, user))
        .isZero();
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM users WHERE email = 'secret@x.io'", Long.class))
        .isZero();
  }

  @Test
  void followsTheTopicIntoItsNextGenerationWithoutApplyingAnythingTwice() throws Exception {
    String user = "gen-" + UUID.randomUUID();
    UUID uuid = UUID.randomUUID();
    UserCreated created =
        new UserCreated(
            user, uuid, 4, "g@x.io", "Gen", null, null, Instant.parse("2024-01-01T00:00:00Z"));
    send(TOPIC, user, 0, created);
    await().atMost(Duration.ofSeconds(30)).until(() -> applied(user) == 0);

    // a rebuild: the next generation holds the whole history again, the old one ends on every
    // partition, and what happens next is only in the new one
    String next = TopicGenerations.topic(TOPIC, 2);
    createTopic(next);
    send(next, user, 0, created);
    for (int p = 0; p < 3; p++) {
      producer.send(TopicGenerations.endedRecord(TOPIC, p, 2, next)).get();
    }
    send(
        next,
        user,
        1,
        new UserUpdated(
            user, uuid, "g@x.io", "Gen", "Two", null, Instant.parse("2024-01-02T00:00:00Z")));

    await().atMost(Duration.ofSeconds(60)).until(() -> applied(user) == 1);
    assertThat(
            jdbc.queryForObject(
                "SELECT last_name FROM users WHERE user_id = ?", String.class, user))
        .isEqualTo("Two");
  }

  @Test
  void aRecordThatIsNotOneOfOursIsPassedOver() throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                TOPIC, "stranger", "{not an event".getBytes(StandardCharsets.UTF_8)))
        .get();
    String after = "after-" + UUID.randomUUID();
    send(
        TOPIC,
        "stranger",
        0,
        new UserCreated(
            "stranger-" + after,
            UUID.randomUUID(),
            5,
            null,
            null,
            null,
            null,
            Instant.parse("2024-01-01T00:00:00Z")),
        after);
    await().atMost(Duration.ofSeconds(30)).until(() -> applied(after) == 0);
  }

  private long applied(String aggregateId) {
    List<Long> last =
        jdbc.queryForList(
            "SELECT last_sequence FROM applied_streams WHERE aggregate_id = ?",
            Long.class,
            aggregateId);
    return last.isEmpty() ? -1 : last.get(0);
  }

  private static void send(String topic, String aggregateId, long sequence, ZepEvent event)
      throws Exception {
    producer
        .send(
            CloudEventsKafka.toRecord(
                topic,
                new PublishedEvent(
                    UUID.randomUUID().toString(),
                    event.occurredAt(),
                    aggregateId,
                    sequence,
                    event)))
        .get();
  }

  /** Sends {@code event} with the key {@code key}, as the stream {@code aggregateId}. */
  private static void send(
      String topic, String key, long sequence, ZepEvent event, String aggregateId)
      throws Exception {
    ProducerRecord<String, byte[]> record =
        CloudEventsKafka.toRecord(
            topic,
            new PublishedEvent(
                UUID.randomUUID().toString(), event.occurredAt(), aggregateId, sequence, event));
    producer.send(new ProducerRecord<>(topic, null, key, record.value(), record.headers())).get();
  }

  private static void createTopic(String topic) throws Exception {
    TestInfra.createEventTopic(topic, 3);
  }
}
