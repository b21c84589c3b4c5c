package io.zepusers.query.projection;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.CloudEventsKafka.UndecodableRecordException;
import io.zepusers.events.PublishedEvent;
import io.zepusers.query.consistency.AppliedPositions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Feeds every projection from the event topic. Each poll is applied in one database transaction together with
 * the next offset of each partition, and on assignment the consumer seeks to those stored offsets: a crash at any
 * point neither loses nor doubles an effect. Kafka's own group offsets are committed afterwards, for monitoring
 * only. Redelivered events are skipped per (aggregate id, sequence).
 */
@Component
public class ProjectionConsumer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ProjectionConsumer.class);

  private final ConsumerSettings settings;
  private final EventApplier applier;
  private final ProjectionStore store;
  private final DeadLetters deadLetters;
  private final TransactionTemplate transactions;
  private final AppliedPositions applied;
  private final Timer lag;
  private final java.util.concurrent.locks.ReentrantLock applying = new java.util.concurrent.locks.ReentrantLock();
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile Thread thread;
  private volatile boolean running;

  ProjectionConsumer(
      ConsumerSettings settings,
      EventApplier applier,
      ProjectionStore store,
      DeadLetters deadLetters,
      TransactionTemplate transactions,
      AppliedPositions applied,
      MeterRegistry meters) {
    this.settings = settings;
    this.applier = applier;
    this.store = store;
    this.deadLetters = deadLetters;
    this.transactions = transactions;
    this.applied = applied;
    this.lag =
        Timer.builder("projection.lag")
            .description("from an event being stored to its change being visible in the read model")
            .publishPercentiles(0.5, 0.99)
            .register(meters);
  }

  /** Runs {@code work} while this consumer applies nothing (a rebuild switching the read models underneath). */
  public <T> T whilePaused(java.util.function.Supplier<T> work) {
    applying.lock();
    try {
      return work.get();
    } finally {
      applying.unlock();
    }
  }

  @Override
  public void start() {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // notice the topic quickly when command-service creates it after we start
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    running = true;
    thread = new Thread(this::run, "projection-consumer");
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(15).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(settings.topic()), new SeekToStoredPositions());
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          applying.lock();
          try {
            applyWithRetry(records);
          } finally {
            applying.unlock();
          }
          consumer.commitAsync();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("projection consumer stopped", e);
      running = false;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void applyWithRetry(ConsumerRecords<String, byte[]> records) {
    for (int attempt = 1; ; attempt++) {
      try {
        applied.advance(transactions.execute(tx -> applyBatch(records)));
        recordLag(records);
        return;
      } catch (RuntimeException e) {
        if (attempt >= 3) {
          // One record keeps failing: apply one by one so that it alone goes to the dead-letter topic.
          log.warn("batch failed {} times, applying record by record: {}", attempt, e.toString());
          records.forEach(this::applyAloneOrDeadLetter);
          return;
        }
      }
    }
  }

  /** After the commit: how long each event took from the event store to being readable. */
  private void recordLag(ConsumerRecords<String, byte[]> records) {
    long now = System.currentTimeMillis();
    for (ConsumerRecord<String, byte[]> record : records) {
      Header time = record.headers().lastHeader(CloudEventsKafka.TIME);
      if (time != null) {
        try {
          long stored = Instant.parse(new String(time.value(), StandardCharsets.UTF_8)).toEpochMilli();
          lag.record(Math.max(0, now - stored), TimeUnit.MILLISECONDS);
        } catch (DateTimeParseException e) {
          // not ours; it went to the dead-letter topic
        }
      }
    }
  }

  /** Applies a poll and stores the positions after it; returns them (next offset per partition). */
  private Map<Integer, Long> applyBatch(ConsumerRecords<String, byte[]> records) {
    Map<Integer, Long> next = new HashMap<>();
    List<PublishedEvent> events = new ArrayList<>(records.count());
    for (ConsumerRecord<String, byte[]> record : records) {
      decodeOrDeadLetter(record).ifPresent(events::add);
      next.put(record.partition(), record.offset() + 1);
    }
    applier.apply(events);
    next.forEach((partition, offset) -> store.savePosition(new TopicPartition(settings.topic(), partition), offset));
    return next;
  }

  private void applyAloneOrDeadLetter(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    try {
      transactions.executeWithoutResult(
          tx -> {
            decodeOrDeadLetter(record).ifPresent(event -> applier.apply(List.of(event)));
            store.savePosition(partition, record.offset() + 1);
          });
    } catch (RuntimeException e) {
      deadLetters.send(record, "cannot apply: " + e.getMessage());
      transactions.executeWithoutResult(tx -> store.savePosition(partition, record.offset() + 1));
    }
    applied.advance(Map.of(record.partition(), record.offset() + 1));
  }

  private Optional<PublishedEvent> decodeOrDeadLetter(ConsumerRecord<String, byte[]> record) {
    try {
      return Optional.of(CloudEventsKafka.fromRecord(record));
    } catch (UndecodableRecordException e) {
      deadLetters.send(record, "cannot decode: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Positions live in the read-model database; Kafka's committed offsets are only a fallback for new partitions. */
  private final class SeekToStoredPositions implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<Integer, Long> stored = store.positions();
      applied.advance(stored);
      for (TopicPartition partition : partitions) {
        Long offset = stored.get(partition.partition());
        if (offset != null) {
          consumer.seek(partition, new OffsetAndMetadata(offset));
        } else {
          consumer.seekToBeginning(List.of(partition));
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // nothing to flush: every applied batch is already committed with its positions
    }
  }
}
