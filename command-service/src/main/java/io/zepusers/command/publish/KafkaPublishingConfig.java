package io.zepusers.command.publish;

import io.zepusers.command.eventstore.StoreTail;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KafkaPublishingConfig {

  private static final int REQUEST_TIMEOUT_MS = 15_000;
  private static final Duration MIN_POLL = Duration.ofMillis(10);
  private static final Duration MAX_POLL = Duration.ofSeconds(10);

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

  /**
   * The publisher's source of events ({@code
   * axon.eventhandling.processors.kafka-publisher.source}): the store, woken by this instance's
   * commits and polled every {@code zep.publisher.poll-interval} for other instances' events. A
   * write through an instance that does not hold the publisher answers once published, so it waits
   * for that poll: about 1 s per write at Axon's embedded store's 1 s, about 0.1 s at the default
   * (TwoInstancesIT), for ten small queries a second while the store is idle. See StoreTail for why
   * not the embedded store.
   */
  @Bean
  StoreTail eventStoreTail(
      EventStorageEngine storage,
      EventStore eventStore,
      @Value("${zep.publisher.poll-interval:100ms}") Duration pollInterval) {
    if (pollInterval.compareTo(MIN_POLL) < 0 || pollInterval.compareTo(MAX_POLL) > 0) {
      throw new IllegalArgumentException(
          "zep.publisher.poll-interval must be between 10ms and 10s, not " + pollInterval);
    }
    return new StoreTail(storage, eventStore, pollInterval);
  }
}
