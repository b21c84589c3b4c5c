package io.zepusers.query.projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Feeds every projection from the event topic, as the listener of Spring Kafka's container. Each
 * poll is applied in one database transaction together with the next offset of each partition, and
 * on assignment the consumer seeks to those stored offsets: a crash at any point neither loses nor
 * doubles an effect. Kafka's own group offsets are committed afterwards, for monitoring only.
 *
 * <p>This class follows the topic: which generation's records are applied, where each partition
 * starts, the move to a new generation. How a batch is applied, and what happens when it fails, is
 * {@link AppliedBatches}'s. A record that can never apply is reported by a {@link
 * BatchListenerFailedException}: the container's error handler hands it to {@link
 * DeadLetterRecoverer}, once, and delivers the rest again.
 */
@Component
public class ProjectionConsumer implements BatchMessageListener<String, byte[]>, ConsumerSeekAware {

  private static final Logger log = LoggerFactory.getLogger(ProjectionConsumer.class);

  private final ProjectionSettings retry;
  private final AppliedBatches batches;
  private final ProjectionStore store;
  private final AppliedPositions applied;
  private final ProjectionStatus status;
  private final ObjectProvider<MessageListenerContainer> container;
  private volatile ConsumerSeekCallback seeks;

  ProjectionConsumer(
      ProjectionSettings retry,
      AppliedBatches batches,
      ProjectionStore store,
      AppliedPositions applied,
      ProjectionStatus status,
      ObjectProvider<MessageListenerContainer> container) {
    this.retry = retry;
    this.batches = batches;
    this.store = store;
    this.applied = applied;
    this.status = status;
    this.container = container;
  }

  @Override
  public void registerSeekCallback(ConsumerSeekCallback callback) {
    this.seeks = callback;
  }

  /**
   * Applies the records of the generation the read models follow. The consumer subscribes to every
   * generation of the topic (a pattern), so that it can move to a new one without a restart; the
   * partitions of the others are paused.
   */
  @Override
  public void onMessage(List<ConsumerRecord<String, byte[]>> all) {
    ReadModelGeneration.Generation of = applied.generation();
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(all.size());
    for (ConsumerRecord<String, byte[]> record : all) {
      if (record.topic().equals(of.topic())) {
        records.add(record);
      } else {
        pause(new TopicPartition(record.topic(), record.partition()));
      }
    }
    if (records.isEmpty()) {
      return;
    }
    LiveBatch.Outcome outcome = batches.apply(of, records);
    if (outcome.movedTo() != null) {
      moveTo(outcome.movedTo());
      return;
    }
    PoisonRecordException poison = outcome.poison();
    if (poison != null) {
      ConsumerRecord<String, byte[]> record = records.get(outcome.handled().size());
      throw new BatchListenerFailedException(poison.getMessage(), poison, record);
    }
  }

  /**
   * Follows generation {@code next} from the positions the read models hold for it (from its
   * beginning when none: what was applied before is passed over by (aggregate id, sequence)).
   */
  private void moveTo(ReadModelGeneration.Generation next) {
    Map<Integer, Long> stored = storedPositions(next.topic());
    if (stored == null) {
      return; // stopping
    }
    applied.reset(next, stored);
    MessageListenerContainer c = container.getIfAvailable();
    Collection<TopicPartition> assigned = c == null ? List.of() : c.getAssignedPartitions();
    boolean hasNext = false;
    for (TopicPartition partition : assigned == null ? List.<TopicPartition>of() : assigned) {
      if (partition.topic().equals(next.topic())) {
        seekToStored(partition, stored, seeks);
        c.resumePartition(partition);
        hasNext = true;
      } else {
        c.pausePartition(partition);
      }
    }
    if (!hasNext) {
      // else reads wait for it until the next metadata refresh (up to metadata.max.age.ms)
      lookForNewGenerations();
    }
    log.info("the read models follow {} (generation {}) from now on", next.topic(), next.number());
  }

  /**
   * Has the group match the topic pattern against the broker's topics now, instead of at the next
   * metadata refresh: the consumer rejoins the group, and a rejoin of a pattern subscription
   * refreshes the metadata first. A new generation's partitions are then assigned (paused until the
   * read models move to it) within a rebalance.
   */
  public void lookForNewGenerations() {
    MessageListenerContainer c = container.getIfAvailable();
    if (c != null && c.isRunning()) {
      c.enforceRebalance();
    }
  }

  private void seekToStored(
      TopicPartition partition, Map<Integer, Long> stored, ConsumerSeekCallback callback) {
    Long offset = stored.get(partition.partition());
    if (offset != null) {
      callback.seek(partition.topic(), partition.partition(), offset);
    } else {
      callback.seekToBeginning(List.of(partition));
    }
  }

  private void pause(TopicPartition partition) {
    MessageListenerContainer c = container.getIfAvailable();
    if (c != null && !c.isPartitionPauseRequested(partition)) {
      c.pausePartition(partition);
    }
  }

  /**
   * Positions live in the read-model database; Kafka's committed offsets are only a fallback for
   * new partitions. While the database cannot be read, this waits (with backoff): consuming from
   * anywhere else could skip records.
   */
  @Override
  public void onPartitionsAssigned(
      Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
    ReadModelGeneration.Generation of = applied.generation();
    Map<Integer, Long> stored = storedPositions(of.topic());
    if (stored == null) {
      return; // stopping
    }
    applied.advance(of.topic(), stored);
    for (TopicPartition partition : assignments.keySet()) {
      if (partition.topic().equals(of.topic())) {
        seekToStored(partition, stored, callback);
      } else {
        pause(partition); // another generation: sought to its place if the read models move to it
      }
    }
  }

  private Map<Integer, Long> storedPositions(String topic) {
    long wait = retry.retryInitialInterval().toMillis();
    while (true) {
      try {
        Map<Integer, Long> stored = store.positions(topic);
        status.progressed();
        return stored;
      } catch (DataAccessException e) {
        status.failed(e);
        try {
          ListenerUtils.stoppableSleep(container.getIfAvailable(), wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return null;
        }
        MessageListenerContainer c = container.getIfAvailable();
        if (c != null && !c.isRunning()) {
          return null;
        }
        wait =
            Math.min(retry.retryMaxInterval().toMillis(), (long) (wait * retry.retryMultiplier()));
      }
    }
  }
}
