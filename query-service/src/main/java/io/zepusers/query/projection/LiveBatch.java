package io.zepusers.query.projection;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.CloudEventsKafka.UndecodableRecordException;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.TopicGenerations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * The live projection's work in one transaction: applies records up to the first one that can never
 * apply, and stores how far it got in each partition. Records below a partition's stored position
 * were handled before (by this instance before a retry, or by another during a rebalance) and are
 * passed over.
 */
@Component
class LiveBatch {

  private final EventApplier applier;
  private final ProjectionStore store;
  private final ReadModelGeneration generations;

  LiveBatch(EventApplier applier, ProjectionStore store, ReadModelGeneration generations) {
    this.applier = applier;
    this.store = store;
    this.generations = generations;
  }

  /**
   * What a transaction did.
   *
   * @param positions the next offset of each partition it moved
   * @param handled the records it applied or passed over, in order
   * @param poison the first record it found can never apply, which it left for the dead-letter
   *     topic; or null
   * @param movedTo the generation the read models follow from now on, when it is not the one the
   *     records are of (another instance or a rebuild moved them, or this batch met the end of its
   *     generation); or null
   */
  record Outcome(
      Map<Integer, Long> positions,
      List<ConsumerRecord<String, byte[]>> handled,
      PoisonRecordException poison,
      ReadModelGeneration.Generation movedTo) {

    Outcome {
      positions = Map.copyOf(positions);
      handled = List.copyOf(handled);
    }

    Outcome(
        Map<Integer, Long> positions,
        List<ConsumerRecord<String, byte[]>> handled,
        PoisonRecordException poison) {
      this(positions, handled, poison, null);
    }
  }

  /**
   * Call inside a transaction, with records of generation {@code of} only. Reads the generation the
   * read models follow, shared-locked; if it is another, applies nothing. A record that ends the
   * generation moves the read models to the next one (they hold every event, so applying it from
   * its beginning skips what was applied).
   */
  Outcome apply(ReadModelGeneration.Generation of, List<ConsumerRecord<String, byte[]>> records) {
    ReadModelGeneration.Generation following = generations.lockShared();
    if (!following.equals(of)) {
      return new Outcome(Map.of(), List.of(), null, following);
    }
    Set<Integer> partitions = new LinkedHashSet<>();
    records.forEach(r -> partitions.add(r.partition()));
    Map<Integer, Long> stored = store.lockPositions(of.topic(), partitions);

    List<PublishedEvent> events = new ArrayList<>(records.size());
    List<Integer> eventAt = new ArrayList<>(records.size());
    int end = records.size();
    PoisonRecordException poison = null;
    ConsumerRecord<String, byte[]> ended = null;
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, byte[]> record = records.get(i);
      if (record.offset() < stored.getOrDefault(record.partition(), Long.MIN_VALUE)) {
        continue;
      }
      if (TopicGenerations.isEnded(record)) {
        ended = record;
        end = i + 1;
        break;
      }
      try {
        events.add(CloudEventsKafka.fromRecord(record));
        eventAt.add(i);
      } catch (UndecodableRecordException e) {
        end = i;
        poison = new PoisonRecordException("cannot decode: " + e.getMessage(), record, false);
        break;
      }
    }
    Optional<EventApplier.Conflict> conflict = applier.applyUntilConflict(events);
    if (conflict.isPresent()) {
      end = eventAt.get(conflict.get().index());
      poison =
          new PoisonRecordException("conflict: " + conflict.get().reason(), records.get(end), true);
      ended = null;
    }

    List<ConsumerRecord<String, byte[]>> handled = records.subList(0, end);
    Map<Integer, Long> positions = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : handled) {
      if (record.offset() + 1 > stored.getOrDefault(record.partition(), Long.MIN_VALUE)) {
        positions.merge(record.partition(), record.offset() + 1, Math::max);
      }
    }
    store.savePositions(of.topic(), positions);
    ReadModelGeneration.Generation movedTo = null;
    if (ended != null) {
      String nextTopic = TopicGenerations.nextTopic(ended);
      movedTo =
          generations
              .of(nextTopic)
              .orElseThrow(
                  () ->
                      new UndecodableRecordException(
                          "the end of " + of.topic() + " names " + nextTopic));
      if (movedTo.number() > of.number()) {
        generations.advanceTo(movedTo);
      } else {
        movedTo = null; // an end that points back: nothing to follow
      }
    }
    return new Outcome(positions, handled, poison, movedTo);
  }
}
