package io.zepusers.query.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Records that cannot be decoded or applied go to the dead-letter topic, unchanged, with headers saying why and
 * where they came from. The projection keeps going for everyone else; {@code projection.dead.letters} counts them.
 */
@Component
class DeadLetters implements DisposableBean {

  static final String REASON = "dlt_reason";
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final ConsumerSettings settings;
  private final Counter counter;
  private volatile Producer<String, byte[]> producer;

  DeadLetters(ConsumerSettings settings, MeterRegistry meters) {
    this.settings = settings;
    this.counter = Counter.builder("projection.dead.letters").description("records sent to the dead-letter topic").register(meters);
  }

  /** Sends and waits for the broker's acknowledgement, so a dead letter is never lost before its position moves on. */
  void send(ConsumerRecord<String, byte[]> record, String reason) {
    log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    ProducerRecord<String, byte[]> letter =
        new ProducerRecord<>(settings.deadLetterTopic(), null, record.key(), record.value(), record.headers());
    letter.headers().add(REASON, utf8(reason));
    letter.headers().add("dlt_original_topic", utf8(record.topic()));
    letter.headers().add("dlt_original_partition", utf8(Integer.toString(record.partition())));
    letter.headers().add("dlt_original_offset", utf8(Long.toString(record.offset())));
    try {
      producer().send(letter).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to dead-letter topic " + settings.deadLetterTopic(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while dead-lettering", e);
    }
    counter.increment();
  }

  private synchronized Producer<String, byte[]> producer() {
    if (producer == null) {
      ensureTopic();
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                  ProducerConfig.CLIENT_ID_CONFIG, "query-service-dead-letters",
                  ProducerConfig.ACKS_CONFIG, "all"),
              new StringSerializer(),
              new ByteArraySerializer());
    }
    return producer;
  }

  private void ensureTopic() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(settings.deadLetterTopic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create dead-letter topic " + settings.deadLetterTopic(), e);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer while creating " + settings.deadLetterTopic(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void destroy() {
    if (producer != null) {
      producer.close();
    }
  }
}
