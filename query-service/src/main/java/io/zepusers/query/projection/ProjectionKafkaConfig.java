package io.zepusers.query.projection;

import io.micrometer.core.instrument.MeterRegistry;
import io.zepusers.events.TopicGenerations;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The projection's Kafka consumer: Spring Kafka's listener container with one consumer thread, fed
 * by the {@code zep.kafka.*} settings, its error handler retrying with {@code
 * zep.projection.retry-*} backoff.
 */
@Configuration(proxyBeanMethods = false)
class ProjectionKafkaConfig {

  @Bean
  ConsumerFactory<String, byte[]> projectionConsumerFactory(
      ConsumerSettings settings, MeterRegistry meters) {
    DefaultKafkaConsumerFactory<String, byte[]> factory =
        new DefaultKafkaConsumerFactory<>(
            settings.consumerConfig(
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    settings.groupId(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    settings.maxPollRecords(),
                    // notice the topic quickly when command-service creates it after we start
                    ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                    5_000)),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    // the consumer's own metrics, among them the projection's lag in records
    // (kafka.consumer.fetch.manager.records.lag)
    factory.addListener(new MicrometerConsumerListener<>(meters));
    return factory;
  }

  /**
   * Retries a batch that failed for a reason that passes without end (the backoff never stops);
   * gives a record up, to {@link DeadLetterRecoverer}, at once and only when the listener reported
   * it as a {@link PoisonRecordException}.
   */
  @Bean
  DefaultErrorHandler projectionErrorHandler(
      DeadLetterRecoverer recoverer, ProjectionSettings retry) {
    ExponentialBackOff backOff =
        new ExponentialBackOff(retry.retryInitialInterval().toMillis(), retry.retryMultiplier());
    backOff.setMaxInterval(retry.retryMaxInterval().toMillis());
    backOff.setMaxElapsedTime(Long.MAX_VALUE);
    backOff.setMaxAttempts(Long.MAX_VALUE);
    DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
    handler.setClassifications(Map.of(PoisonRecordException.class, false), true);
    // every retry and every dead letter is logged by the projection itself, in one line
    handler.setLogLevel(KafkaException.Level.DEBUG);
    return handler;
  }

  @Bean
  KafkaMessageListenerContainer<String, byte[]> projectionContainer(
      ConsumerFactory<String, byte[]> projectionConsumerFactory,
      ProjectionConsumer listener,
      DefaultErrorHandler projectionErrorHandler,
      ConsumerSettings settings) {
    // every generation of the topic: the consumer moves to a new one without a restart
    // (ProjectionConsumer)
    ContainerProperties properties =
        new ContainerProperties(TopicGenerations.pattern(settings.topic()));
    properties.setMessageListener(listener);
    // our positions are committed with the read model; Kafka's offsets only show the lag to
    // monitoring, so they are committed on a timer. A commit after every poll queued up faster
    // than the broker took them under load, and a rebalance waited behind the queue for 20-30 s,
    // the projection holding no partitions all the while.
    properties.setAckMode(ContainerProperties.AckMode.TIME);
    properties.setAckTime(settings.offsetCommitInterval().toMillis());
    properties.setSyncCommits(false);
    properties.setPollTimeout(1_000);
    // a broker refusing us (ACLs being fixed, say) is waited out as well
    properties.setAuthExceptionRetryInterval(Duration.ofSeconds(10));
    KafkaMessageListenerContainer<String, byte[]> container =
        new KafkaMessageListenerContainer<>(projectionConsumerFactory, properties);
    container.setCommonErrorHandler(projectionErrorHandler);
    return container;
  }
}
