package io.zepusers.command.publish;

import io.zepusers.command.consistency.PublisherPosition;
import io.zepusers.command.personaldata.PersonalDataKeys;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.TopicGenerations;
import io.zepusers.events.ZepEvent;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Builds a new generation of the event topic from the event store, and lets it take over from the
 * current one.
 *
 * <p>{@link #start()} creates the next generation's topic and writes the whole store into it, in
 * store order, as the publisher would; then it follows the store's head. {@link #takeOver(int)}
 * holds every write back for a moment ({@link WriteGate}), waits until both the builder and the
 * publisher have passed the last stored event, makes the new generation current (the publisher
 * sends everything after that event there), ends each partition of the old one with a {@link
 * TopicGenerations#ENDED_TYPE} record, and lets writes go on. The new topic therefore holds every
 * event exactly once per partition order: the builder's part up to the handover, the publisher's
 * after it.
 *
 * <p>The build runs on the instance that started it. An instance that dies takes its build with it;
 * the generation is then abandoned ({@link #abandon(int)}) and a new one started.
 */
@Component
public class GenerationBuilder implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(GenerationBuilder.class);
  private static final int IN_FLIGHT = 2_000;
  private static final int CHUNK = 500;
  private static final int READERS = 4;
  private static final Duration TAKEOVER_WAIT = Duration.ofSeconds(15);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  private final EventStorageEngine storage;
  private final JdbcTemplate jdbc;
  private final DataSource dataSource;
  private final Generations generations;
  private final EventTopics topics;
  private final KafkaSettings settings;
  private final PublisherPosition publisher;
  private final PersonalDataKeys keys;
  private final StoredPayloads stored;
  private final String node =
      ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
  private volatile Build build;

  GenerationBuilder(
      EventStorageEngine storage,
      JdbcTemplate jdbc,
      DataSource dataSource,
      Generations generations,
      EventTopics topics,
      KafkaSettings settings,
      PublisherPosition publisher,
      PersonalDataKeys keys,
      @Qualifier("eventSerializer") Serializer eventSerializer) {
    this.storage = storage;
    this.keys = keys;
    this.stored = new StoredPayloads(eventSerializer);
    this.jdbc = jdbc;
    this.dataSource = dataSource;
    this.generations = generations;
    this.topics = topics;
    this.settings = settings;
    this.publisher = publisher;
  }

  /**
   * Refused: another generation is being built, or the call belongs to the instance that builds it.
   */
  public static final class GenerationConflict extends RuntimeException {
    GenerationConflict(String message) {
      super(message);
    }
  }

  /**
   * The takeover could not happen now (the publisher is behind or away); nothing changed, try
   * again.
   */
  public static final class TakeoverUnavailable extends RuntimeException {
    TakeoverUnavailable(String message) {
      super(message);
    }
  }

  /** Starts building the next generation; returns its number and topic. */
  public synchronized Generations.Generation start() {
    Integer next =
        jdbc.queryForObject("SELECT max(generation) + 1 FROM topic_generations", Integer.class);
    String topic = generations.topicOf(next);
    try {
      jdbc.update(
          "INSERT INTO topic_generations (generation, topic, state, builder) VALUES (?, ?, 'building', ?)",
          next,
          topic,
          node);
    } catch (DuplicateKeyException e) {
      Map<String, Object> building =
          jdbc.queryForMap(
              "SELECT generation, builder FROM topic_generations WHERE state = 'building'");
      throw new GenerationConflict(
          "generation "
              + building.get("generation")
              + " is being built (by "
              + building.get("builder")
              + "); wait for it, or DELETE /api/v1/admin/generations/"
              + building.get("generation")
              + " to abandon it");
    }
    try {
      freshTopic(topic);
    } catch (RuntimeException e) {
      failed(next, e);
      throw e;
    }
    Build b = new Build(next, topic, newProducer());
    build = b;
    Thread worker = new Thread(b::run, "generation-builder-" + next);
    worker.setDaemon(true);
    b.thread = worker;
    worker.start();
    log.info("building generation {} of the event topic in {}", next, topic);
    return new Generations.Generation(next, topic);
  }

  /** Every generation, with the running build's progress and the store's head. */
  public List<Map<String, Object>> all() {
    Long head =
        jdbc.queryForObject(
            "SELECT coalesce(max(globalindex), 0) FROM domainevententry", Long.class);
    Build b = build;
    List<Map<String, Object>> rows = new ArrayList<>();
    jdbc.query(
        "SELECT generation, topic, state, builder, events_written, position, handover_index, created_at, current_since, ended_at, error "
            + "FROM topic_generations ORDER BY generation",
        rs -> {
          Map<String, Object> row = new LinkedHashMap<>();
          int generation = rs.getInt("generation");
          boolean live = b != null && b.generation == generation;
          row.put("generation", generation);
          row.put("topic", rs.getString("topic"));
          row.put("state", rs.getString("state"));
          row.put("events_written", live ? b.written : rs.getLong("events_written"));
          Object position = live ? b.position() : rs.getObject("position");
          row.put("position", position);
          row.put("store_position", head);
          row.put("handover_index", rs.getObject("handover_index"));
          row.put("created_at", instant(rs.getTimestamp("created_at")));
          row.put("current_since", instant(rs.getTimestamp("current_since")));
          row.put("ended_at", instant(rs.getTimestamp("ended_at")));
          row.put("error", rs.getString("error"));
          rows.add(row);
        });
    return rows;
  }

  /**
   * Makes generation {@code generation}, being built here, the current one. Writes on every
   * instance wait meanwhile (milliseconds, unless the publisher is behind).
   */
  public synchronized Map<String, Object> takeOver(int generation) {
    Build b = build;
    if (b == null || b.generation != generation) {
      throw new GenerationConflict(
          "generation " + generation + " is not being built on this instance");
    }
    if (b.error != null) {
      throw new GenerationConflict("generation " + generation + " failed: " + b.error);
    }
    Generations.Generation old = generations.current();
    long head;
    long gated = System.nanoTime();
    long passed = gated;
    long stopped = gated;
    boolean committed = false;
    try (Connection c = dataSource.getConnection()) {
      // One transaction holds the gate exclusively: its commit or rollback (or a lost connection)
      // lets writes go on.
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL lock_timeout = '" + TAKEOVER_WAIT.toSeconds() + "s'");
          s.execute("SELECT pg_advisory_xact_lock(" + WriteGate.KEY + ")");
        }
        head = storeHead(c);
        long deadline = System.nanoTime() + TAKEOVER_WAIT.toNanos();
        while (!(b.reached(head) && (head <= 0 || publisher.reached(head)))) {
          if (System.nanoTime() > deadline) {
            throw new TakeoverUnavailable(
                "the publisher or the builder has not passed event "
                    + head
                    + " within "
                    + TAKEOVER_WAIT.toSeconds()
                    + " s; retry");
          }
          TimeUnit.MILLISECONDS.sleep(5);
        }
        passed = System.nanoTime();
        // nothing can be stored before the commit, so the builder stops exactly at the handover
        b.stop();
        stopped = System.nanoTime();
        try (Statement s = c.createStatement()) {
          s.executeUpdate(
              "UPDATE topic_generations SET state = 'retired', ended_at = now() WHERE state = 'current'");
          s.executeUpdate(
              "UPDATE topic_generations SET state = 'current', current_since = now(), handover_index = "
                  + head
                  + ", events_written = "
                  + b.written
                  + ", position = "
                  + head
                  + " WHERE generation = "
                  + generation);
        }
        c.commit();
        committed = true;
      } finally {
        if (!committed) {
          c.rollback();
        }
      }
      endPartitions(b.producer, old, generation, b.topic);
    } catch (SQLException e) {
      throw new TakeoverUnavailable("the event store could not be reached: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TakeoverUnavailable("interrupted");
    } finally {
      if (!b.running()) {
        b.producer.close(Duration.ofSeconds(10));
        build = null;
        if (!committed) {
          // stopped at the handover, but the switch did not commit: the build cannot go on from
          // here
          failed(
              generation,
              new IllegalStateException(
                  "the takeover failed after the builder stopped; start a new generation"));
        }
      }
    }
    log.info(
        "generation {} ({}) took over from {} after event {} (the builder and the publisher passed it in {} ms, the builder stopped in {} ms, the old generation ended {} ms later)",
        generation,
        b.topic,
        old.topic(),
        head,
        (passed - gated) / 1_000_000,
        (stopped - passed) / 1_000_000,
        (System.nanoTime() - stopped) / 1_000_000);
    return Map.of(
        "generation", generation, "topic", b.topic, "handover_index", head, "ended", old.topic());
  }

  /**
   * Gives up a generation that is being built: it stops, is marked failed, and its topic is
   * deleted.
   */
  public synchronized void abandon(int generation) {
    Build b = build;
    if (b != null && b.generation == generation) {
      b.stop();
      b.producer.close(Duration.ofSeconds(10));
      build = null;
    }
    int changed =
        jdbc.update(
            "UPDATE topic_generations SET state = 'failed', ended_at = now(), error = coalesce(error, 'abandoned') WHERE generation = ? AND state = 'building'",
            generation);
    if (changed == 0) {
      throw new GenerationConflict("generation " + generation + " is not being built");
    }
    topics.delete(generations.topicOf(generation));
  }

  @Override
  public void destroy() {
    Build b = build;
    if (b != null) {
      b.stop();
      b.producer.close(Duration.ofSeconds(5));
    }
  }

  /** The last record of each partition of the old generation says where the history goes on. */
  private void endPartitions(
      Producer<String, byte[]> producer, Generations.Generation old, int next, String nextTopic) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (var partition : producer.partitionsFor(old.topic())) {
      sent.add(
          producer.send(
              TopicGenerations.endedRecord(old.topic(), partition.partition(), next, nextTopic)));
    }
    // out now, not after the producer's linger: every instance's live batches wait for the switch
    producer.flush();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // the generation has taken over; subscribers also learn it from GET
        // /api/v1/admin/generations
        log.warn("could not end a partition of {}: {}", old.topic(), e.toString());
      }
    }
  }

  /**
   * The topic of a new generation number, empty: a topic left with that name by some earlier
   * database goes first.
   */
  private void freshTopic(String topic) {
    topics.delete(topic); // a topic that is not there is fine
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        topics.ensure(topic);
        topics.awaitLeaders(topic, Duration.ofSeconds(60));
        return;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleepQuietly(200); // the deleted topic is still going away
      }
    }
  }

  private void failed(int generation, Exception e) {
    jdbc.update(
        "UPDATE topic_generations SET state = 'failed', ended_at = now(), error = ? WHERE generation = ? AND state = 'building'",
        String.valueOf(e.getMessage()),
        generation);
  }

  /**
   * Waits out a Kafka outage without end (records are retried in order), so the build never skips
   * or reorders.
   */
  private Producer<String, byte[]> newProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            settings.bootstrapServers(),
            ProducerConfig.CLIENT_ID_CONFIG,
            "command-service-generation-builder",
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            // full batches: the builder sends as fast as it reads, and flushes before it waits
            // (flush), so lingering never holds a record back for long
            ProducerConfig.LINGER_MS_CONFIG,
            100,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            settings.maxRecordBytes(),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            Integer.MAX_VALUE,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            Long.MAX_VALUE),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static long storeHead(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT coalesce(max(globalindex), 0) FROM domainevententry")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static void sleepQuietly(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * One generation being written: the store from its tail, then its head, until it takes over or is
   * abandoned.
   */
  private final class Build {

    final int generation;
    final String topic;
    final Producer<String, byte[]> producer;
    volatile Thread thread;
    volatile boolean stopping;
    volatile boolean done;
    volatile long written;
    volatile TrackingToken flushed;
    volatile String error;
    private final ExecutorService readers = Executors.newFixedThreadPool(READERS);

    Build(int generation, String topic, Producer<String, byte[]> producer) {
      this.generation = generation;
      this.topic = topic;
      this.producer = producer;
    }

    Long position() {
      TrackingToken t = flushed;
      return t == null ? null : t.position().orElse(0);
    }

    boolean running() {
      return !done;
    }

    boolean reached(long head) {
      return head <= 0 || PublisherPosition.reached(jdbc, flushed, head);
    }

    void stop() {
      stopping = true;
      Thread t = thread;
      if (t != null && t != Thread.currentThread()) {
        try {
          t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    void run() {
      List<Future<RecordMetadata>> inFlight = new ArrayList<>(IN_FLIGHT);
      TrackingToken read = null;
      long nextProgress = System.nanoTime();
      // The storage engine's own stream, not the event store's: a reader of the event store that
      // catches up joins its shared cache, and a slow one keeps the cache's events alive behind it.
      // Each pass reads up to the store's head; the next starts from the token.
      try {
        while (!stopping) {
          boolean readAny = false;
          try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(read, false)) {
            Iterator<? extends TrackedEventMessage<?>> stream = events.iterator();
            while (!stopping && stream.hasNext()) {
              readAny = true;
              // Reading a payload decrypts its personal data with its user's key: the chunk's keys
              // are loaded in one query first, and its payloads read on several threads; records go
              // out in store order.
              List<TrackedEventMessage<?>> chunk = new ArrayList<>(CHUNK);
              do {
                chunk.add(stream.next());
              } while (chunk.size() < CHUNK && stream.hasNext());
              List<byte[]> payloads = new ArrayList<>(chunk.size());
              for (TrackedEventMessage<?> message : chunk) {
                byte[] payload = stored.of(message);
                if (payload != null) {
                  payloads.add(payload);
                }
              }
              keys.loadForPayloads(payloads);
              List<Future<ProducerRecord<String, byte[]>>> records = new ArrayList<>(chunk.size());
              for (TrackedEventMessage<?> message : chunk) {
                records.add(readers.submit(() -> toRecord(message)));
              }
              for (int i = 0; i < chunk.size(); i++) {
                ProducerRecord<String, byte[]> record = records.get(i).get();
                if (record != null) {
                  inFlight.add(producer.send(record));
                }
                read = chunk.get(i).trackingToken();
              }
              if (inFlight.size() >= IN_FLIGHT) {
                flush(inFlight, read);
              }
              if (System.nanoTime() - nextProgress > 0) {
                jdbc.update(
                    "UPDATE topic_generations SET events_written = ?, position = ? WHERE generation = ?",
                    written,
                    position(),
                    generation);
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
              }
            }
          }
          flush(inFlight, read);
          if (!readAny) {
            TimeUnit.MILLISECONDS.sleep(20); // at the head: look again shortly
          }
        }
        flush(inFlight, read);
        jdbc.update(
            "UPDATE topic_generations SET events_written = ?, position = ? WHERE generation = ?",
            written,
            position(),
            generation);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = "interrupted";
      } catch (RuntimeException | ExecutionException e) {
        error = e.toString();
        log.error("building generation {} failed", generation, e);
        failed(generation, e instanceof ExecutionException ee ? (Exception) ee.getCause() : e);
      } finally {
        readers.shutdownNow();
        done = true;
      }
    }

    private ProducerRecord<String, byte[]> toRecord(TrackedEventMessage<?> message) {
      if (message instanceof DomainEventMessage<?> domain
          && domain.getPayload() instanceof ZepEvent event) {
        return CloudEventsKafka.toRecord(topic, KafkaEventPublisher.published(event, domain));
      }
      return null;
    }

    /** Waits for every record sent so far; then the builder has passed {@code read}. */
    private void flush(List<Future<RecordMetadata>> inFlight, TrackingToken read)
        throws InterruptedException, ExecutionException {
      try {
        producer.flush(); // what lingers goes out now
      } catch (InterruptException e) {
        throw (InterruptedException) new InterruptedException("interrupted").initCause(e);
      }
      for (Future<RecordMetadata> f : inFlight) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (!UnpublishableEvents.refusedForGood(e.getCause())) {
            throw e;
          }
          // recorded by the publisher when it met it; the generation passes over it the same way
          written--;
        }
      }
      written += inFlight.size();
      inFlight.clear();
      if (read != null) {
        flushed = read;
      }
    }
  }
}
