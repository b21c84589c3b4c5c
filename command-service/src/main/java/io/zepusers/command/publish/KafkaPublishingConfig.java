package io.zepusers.command.publish;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
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
            // refused here, for that record alone, before anything reaches the broker (the topic takes as much)
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRecordBytes(),
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

  /**
   * The topic must take every record the producer sends; otherwise the broker refuses whole batches, innocent
   * records with them. A topic made elsewhere with a smaller limit is raised to ours.
   */
  private static void ensureRecordSize(Admin admin, KafkaSettings settings)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, settings.topic());
    Config config = admin.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
    ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    if (entry != null && entry.value() != null && Integer.parseInt(entry.value()) >= settings.maxRecordBytes()) {
      return;
    }
    AlterConfigOp raise =
        new AlterConfigOp(
            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.maxRecordBytes())),
            AlterConfigOp.OpType.SET);
    admin.incrementalAlterConfigs(Map.of(resource, List.of(raise))).all().get(60, TimeUnit.SECONDS);
    log.warn(
        "topic {} took records of at most {} bytes; raised to {} to match the producer",
        settings.topic(),
        entry == null ? "?" : entry.value(),
        settings.maxRecordBytes());
  }

  private static void ensureTopic(KafkaSettings settings) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      if (existing.contains(settings.topic())) {
        ensureRecordSize(admin, settings);
        return;
      }
      NewTopic topic =
          new NewTopic(settings.topic(), settings.partitions(), settings.replicationFactor())
              .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.maxRecordBytes())));
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
