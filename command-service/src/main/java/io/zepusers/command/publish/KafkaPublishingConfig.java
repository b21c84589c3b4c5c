package io.zepusers.command.publish;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KafkaPublishingConfig {

  private static final Logger log = LoggerFactory.getLogger(KafkaPublishingConfig.class);
  private static final int REQUEST_TIMEOUT_MS = 15_000;

  /** Acknowledged by every in-sync replica, idempotent, so retries neither lose nor reorder events of one key. */
  @Bean(destroyMethod = "close")
  Producer<String, byte[]> eventProducer(KafkaSettings settings) {
    ensureTopic(settings);
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
            ProducerConfig.CLIENT_ID_CONFIG, "command-service-publisher",
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 1,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS,
            // Kafka requires delivery.timeout >= linger + request.timeout
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(settings.ackTimeout().toMillis(), REQUEST_TIMEOUT_MS + 1)),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /**
   * A failed publish must stop the publisher, not skip the event: the batch rolls back with its token and is
   * retried (Axon's default for event handlers only logs and moves on).
   */
  @Bean
  ConfigurerModule publisherErrorHandling() {
    return configurer ->
        configurer
            .eventProcessing()
            .registerListenerInvocationErrorHandler(
                KafkaEventPublisher.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
  }

  private static void ensureTopic(KafkaSettings settings) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      if (existing.contains(settings.topic())) {
        return;
      }
      NewTopic topic = new NewTopic(settings.topic(), settings.partitions(), settings.replicationFactor());
      admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
      log.info("created topic {} with {} partitions", settings.topic(), settings.partitions());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + settings.topic() + ": " + e.getCause().getMessage(), e);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + settings.topic(), e);
    }
  }
}
