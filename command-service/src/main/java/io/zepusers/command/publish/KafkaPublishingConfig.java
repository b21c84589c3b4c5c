package io.zepusers.command.publish;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KafkaPublishingConfig {

  private static final int REQUEST_TIMEOUT_MS = 15_000;

  /**
   * Acknowledged by every in-sync replica, idempotent, so retries neither lose nor reorder events
   * of one key.
   */
  @Bean(destroyMethod = "close")
  Producer<String, byte[]> eventProducer(
      KafkaSettings settings, EventTopics topics, Generations generations) {
    topics.ensure(generations.current().topic());
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            settings.bootstrapServers(),
            ProducerConfig.CLIENT_ID_CONFIG,
            "command-service-publisher",
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            1,
            // refused here, for that record alone, before anything reaches the broker (the topic
            // takes as much)
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            settings.maxRecordBytes(),
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            REQUEST_TIMEOUT_MS,
            // Kafka requires delivery.timeout >= linger + request.timeout
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            (int) Math.max(settings.ackTimeout().toMillis(), REQUEST_TIMEOUT_MS + 1)),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
