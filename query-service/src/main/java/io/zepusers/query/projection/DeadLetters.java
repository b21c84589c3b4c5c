package io.zepusers.query.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames;
import org.springframework.stereotype.Component;

/**
 * Writes records that can never apply to the dead-letter topic, unchanged, with Spring Kafka's
 * {@link DeadLetterPublishingRecoverer}: the original headers, its {@code kafka_dlt-*} headers, and
 * ours saying why ({@code dlt_reason}) and where from. {@code projection.dead.letters} counts them,
 * {@code projection.conflicts} the ones that conflicted with an applied event.
 */
@Component
class DeadLetters implements DisposableBean {

  static final String REASON = "dlt_reason";

  private final ConsumerSettings settings;
  private final DefaultKafkaProducerFactory<String, byte[]> producers;
  private final DeadLetterPublishingRecoverer publisher;
  private final Counter letters;
  private final Counter conflicts;
  private volatile boolean topicExists;

  DeadLetters(ConsumerSettings settings, MeterRegistry meters) {
    this.settings = settings;
    this.producers =
        new DefaultKafkaProducerFactory<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG,
                "query-service-dead-letters",
                ProducerConfig.ACKS_CONFIG,
                "all",
                // a broker that is away fails the send within seconds; the caller retries it with
                // backoff
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000),
            new StringSerializer(),
            new ByteArraySerializer());
    this.publisher =
        new DeadLetterPublishingRecoverer(
            new KafkaTemplate<>(producers),
            (record, e) -> new TopicPartition(settings.deadLetterTopic(), -1));
    publisher.setHeadersFunction(DeadLetters::ourHeaders);
    publisher.excludeHeader(HeaderNames.HeadersToAdd.EX_STACKTRACE);
    publisher.setWaitForSendResultTimeout(Duration.ofSeconds(30));
    this.letters =
        Counter.builder("projection.dead.letters")
            .description("records sent to the dead-letter topic")
            .register(meters);
    this.conflicts =
        Counter.builder("projection.conflicts")
            .description(
                "records claiming an applied (aggregate, sequence) with other content, sent to the dead-letter topic")
            .register(meters);
  }

  /** Sends and waits for the broker's acknowledgement; throws if it did not come. */
  void send(ConsumerRecord<String, byte[]> record, PoisonRecordException why) {
    ensureTopic();
    publisher.accept(record, why);
    letters.increment();
    if (why.isConflict()) {
      conflicts.increment();
    }
  }

  private static Headers ourHeaders(ConsumerRecord<?, ?> record, Exception why) {
    Headers headers = new RecordHeaders();
    headers.add(REASON, utf8(why.getMessage()));
    headers.add("dlt_original_topic", utf8(record.topic()));
    headers.add("dlt_original_partition", utf8(Integer.toString(record.partition())));
    headers.add("dlt_original_offset", utf8(Long.toString(record.offset())));
    return headers;
  }

  private void ensureTopic() {
    if (topicExists) {
      return;
    }
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(settings.deadLetterTopic(), 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create dead-letter topic " + settings.deadLetterTopic(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka did not answer while creating " + settings.deadLetterTopic(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    topicExists = true;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void destroy() {
    producers.destroy();
  }
}
