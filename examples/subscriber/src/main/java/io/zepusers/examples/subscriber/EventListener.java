package io.zepusers.examples.subscriber;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.CloudEventsKafka.UndecodableRecordException;
import io.zepusers.events.TopicGenerations;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Reads every generation of the topic ({@code zep.events}, {@code zep.events.g2}, ...) through one
 * pattern subscription. A new generation is found by the subscription and read from its beginning;
 * what it repeats of the history is passed over by (aggregate id, sequence), so the end marker of
 * the old one needs nothing more than a log line here.
 */
@Configuration(proxyBeanMethods = false)
class EventListener {

  private static final Logger log = LoggerFactory.getLogger(EventListener.class);

  private final UserTable users;

  EventListener(UserTable users) {
    this.users = users;
  }

  @KafkaListener(
      topicPattern =
          "#{T(io.zepusers.events.TopicGenerations).pattern('${subscriber.topic}').pattern()}")
  void on(ConsumerRecord<String, byte[]> record) {
    if (TopicGenerations.isEnded(record)) {
      log.info(
          "{} ends at {}-{}; the history goes on in {}",
          record.topic(),
          record.topic(),
          record.partition(),
          TopicGenerations.nextTopic(record));
      return;
    }
    try {
      users.apply(CloudEventsKafka.fromRecord(record));
    } catch (UndecodableRecordException e) {
      // not an event of ours: nothing to keep from it
      log.warn(
          "passing over {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  /**
   * A failure to apply (the database is away) is retried with backoff for as long as it lasts,
   * never passed over: the record and everything after it on its partition wait.
   */
  @Bean
  DefaultErrorHandler errorHandler() {
    ExponentialBackOff backOff = new ExponentialBackOff(200, 2);
    backOff.setMaxInterval(10_000);
    backOff.setMaxElapsedTime(Long.MAX_VALUE);
    backOff.setMaxAttempts(Long.MAX_VALUE);
    return new DefaultErrorHandler(backOff);
  }
}
