package io.zepusers.query.rebuild;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.CloudEventsKafka.UndecodableRecordException;
import io.zepusers.query.projection.ConsumerSettings;
import io.zepusers.query.projection.EventApplier;
import io.zepusers.query.projection.Failures;
import io.zepusers.query.projection.ProjectionConsumer;
import io.zepusers.query.projection.ProjectionStore;
import java.time.Duration;
import java.time.Instant;
import io.zepusers.events.PublishedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rebuilds every read model from the start of the topic while the API keeps answering from the current ones: the
 * same projections fill copies of the tables in schema {@code rebuild} (the transaction's {@code search_path} points
 * there); once they have caught up, the live consumer pauses, the copies catch up with it, and one transaction
 * swaps the tables. Progress (events done, total, rate, ETA) is in {@link #status()} and in the log.
 */
@Component
public class ReadModelRebuild {

  private static final Logger log = LoggerFactory.getLogger(ReadModelRebuild.class);
  static final List<String> TABLES = List.of("users", "sessions", "audit_events", "applied_sequences", "applied_events", "consumer_positions");
  private static final long LOG_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

  private final ConsumerSettings settings;
  private final EventApplier applier;
  private final ProjectionStore store;
  private final ProjectionConsumer live;
  private final TransactionTemplate transactions;
  private final JdbcTemplate jdbc;
  private volatile RebuildStatus status = RebuildStatus.idle();

  ReadModelRebuild(
      ConsumerSettings settings,
      EventApplier applier,
      ProjectionStore store,
      ProjectionConsumer live,
      TransactionTemplate transactions,
      JdbcTemplate jdbc) {
    this.settings = settings;
    this.applier = applier;
    this.store = store;
    this.live = live;
    this.transactions = transactions;
    this.jdbc = jdbc;
  }

  /** Starts a rebuild in the background; false if one is running. */
  public synchronized boolean start() {
    if (status.running()) {
      return false;
    }
    status = RebuildStatus.started(Instant.now());
    Thread worker = new Thread(this::runQuietly, "read-model-rebuild");
    worker.setDaemon(true);
    worker.start();
    return true;
  }

  public RebuildStatus status() {
    return status;
  }

  private void runQuietly() {
    try {
      run();
    } catch (RuntimeException e) {
      log.error("rebuild failed", e);
      status = status.failed(e.toString());
      jdbc.execute("DROP SCHEMA IF EXISTS rebuild CASCADE");
    }
  }

  private void run() {
    prepareTables();
    List<TopicPartition> partitions;
    Map<TopicPartition, Long> targets;
    try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
      partitions = consumer.partitionsFor(settings.topic()).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      targets = consumer.endOffsets(partitions);
      long total = partitions.stream().mapToLong(p -> targets.get(p) - begin.get(p)).sum();
      status = status.building(total);
      log.info("rebuild: reading {} events from {} partitions of {}", total, partitions.size(), settings.topic());
    }
    // Partitions are independent (a user's events, its sessions' and its audit trail share one), so each is rebuilt
    // by its own worker: reading, decoding and writing overlap instead of taking turns.
    Map<TopicPartition, Long> reached = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(Math.min(partitions.size(), 4));
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        done.add(
            workers.submit(
                () -> {
                  try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                    consumeUntil(consumer, () -> consumer.position(partition) >= targets.get(partition));
                    reached.put(partition, consumer.position(partition));
                  }
                }));
      }
      for (java.util.concurrent.Future<?> worker : done) {
        worker.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("rebuilding a partition failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      workers.shutdownNow();
    }

    status = status.switching();
    try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
      consumer.assign(partitions);
      reached.forEach(consumer::seek);
      live.whilePaused(
          () -> {
            Map<TopicPartition, Long> livePositions = new HashMap<>();
            store.positions().forEach((p, next) -> livePositions.put(new TopicPartition(settings.topic(), p), next));
            consumeUntil(consumer, () -> reached(consumer, livePositions));
            swapTables();
            return null;
          });
    }
    status = status.done(Instant.now());
    log.info("rebuild: done, {} events in {} s", status.eventsDone(), status.seconds());
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private void consumeUntil(KafkaConsumer<String, byte[]> consumer, BooleanSupplier done) {
    long nextLog = System.nanoTime() + LOG_EVERY_NANOS;
    while (!done.getAsBoolean()) {
      ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
      if (records.isEmpty()) {
        continue;
      }
      List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
      records.forEach(batch::add);
      try {
        applyInCopies(batch, true);
      } catch (RuntimeException e) {
        if (!Failures.isRecordFault(e)) {
          throw e;
        }
        // the live projection dead-lettered what fails alone; the rebuild passes over it the same way
        for (ConsumerRecord<String, byte[]> record : batch) {
          try {
            applyInCopies(List.of(record), true);
          } catch (RuntimeException alone) {
            if (!Failures.isRecordFault(alone)) {
              throw alone;
            }
            log.warn("rebuild: skipping {}-{}@{}, which cannot apply: {}", record.topic(), record.partition(), record.offset(), Failures.describe(alone));
            applyInCopies(List.of(record), false);
          }
        }
      }
      progressed(records.count());
      if (System.nanoTime() - nextLog > 0) {
        log.info("rebuild: {}", status.summary());
        nextLog = System.nanoTime() + LOG_EVERY_NANOS;
      }
    }
  }

  /** One transaction on the copies: the records' events (unless {@code apply} is false) and the positions after them. */
  private void applyInCopies(List<ConsumerRecord<String, byte[]>> records, boolean apply) {
    transactions.executeWithoutResult(
        tx -> {
          jdbc.execute("SET LOCAL search_path TO rebuild");
          // the copies are thrown away if anything fails before the swap, so their commits need not wait for disk
          jdbc.execute("SET LOCAL synchronous_commit TO off");
          Map<Integer, Long> next = new HashMap<>();
          List<PublishedEvent> events = new ArrayList<>(records.size());
          for (ConsumerRecord<String, byte[]> record : records) {
            try {
              events.add(CloudEventsKafka.fromRecord(record));
            } catch (UndecodableRecordException e) {
              // already on the dead-letter topic from when it was first consumed
            }
            next.put(record.partition(), record.offset() + 1);
          }
          if (apply) {
            // the live projection dead-lettered these when it met them; the rebuild keeps the first one too
            applier.applyAll(events).forEach(c -> log.warn("rebuild: skipping a conflicting record: {}", c.reason()));
          }
          next.forEach((p, offset) -> store.savePosition(new TopicPartition(settings.topic(), p), offset));
        });
  }

  private synchronized void progressed(int events) {
    status = status.progressed(events);
  }

  private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> targets) {
    return targets.entrySet().stream().allMatch(t -> consumer.position(t.getKey()) >= t.getValue());
  }

  /** Empty copies of every read-model table, with their indexes and constraints, in schema {@code rebuild}. */
  private void prepareTables() {
    transactions.executeWithoutResult(
        tx -> {
          jdbc.execute("DROP SCHEMA IF EXISTS rebuild CASCADE");
          jdbc.execute("CREATE SCHEMA rebuild");
          TABLES.forEach(t -> jdbc.execute("CREATE TABLE rebuild." + t + " (LIKE public." + t + " INCLUDING ALL)"));
          // the copy's serial column must not share the live table's sequence, which goes away with it
          jdbc.execute("CREATE SEQUENCE rebuild.audit_events_position_seq OWNED BY rebuild.audit_events.position");
          jdbc.execute(
              "ALTER TABLE rebuild.audit_events ALTER COLUMN position SET DEFAULT nextval('rebuild.audit_events_position_seq')");
        });
  }

  /** One transaction: readers see the old tables until it commits and the new ones after. */
  private void swapTables() {
    transactions.executeWithoutResult(
        tx -> {
          jdbc.execute("SET LOCAL lock_timeout = '10s'");
          jdbc.execute("CREATE SCHEMA retired");
          for (String table : TABLES) {
            jdbc.execute("ALTER TABLE public." + table + " SET SCHEMA retired");
            jdbc.execute("ALTER TABLE rebuild." + table + " SET SCHEMA public");
          }
          jdbc.execute("DROP SCHEMA retired CASCADE");
          jdbc.execute("DROP SCHEMA rebuild CASCADE");
        });
  }
}
