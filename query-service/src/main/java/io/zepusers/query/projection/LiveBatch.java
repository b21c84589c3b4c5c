package io.zepusers.query.projection;

import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.CloudEventsKafka.UndecodableRecordException;
import io.zepusers.events.PublishedEvent;
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
 * The live projection's work in one transaction: applies records up to the first one that can never apply, and
 * stores how far it got in each partition. Records below a partition's stored position were handled before (by
 * this instance before a retry, or by another during a rebalance) and are passed over.
 */
@Component
class LiveBatch {

  private final EventApplier applier;
  private final ProjectionStore store;

  LiveBatch(EventApplier applier, ProjectionStore store) {
    this.applier = applier;
    this.store = store;
  }

  /**
   * What a transaction did.
   *
   * @param positions the next offset of each partition it moved
   * @param handled the records it applied or passed over, in order
   * @param poison the first record it found can never apply, which it left for the dead-letter topic; or null
   */
  record Outcome(Map<Integer, Long> positions, List<ConsumerRecord<String, byte[]>> handled, PoisonRecordException poison) {

    Outcome {
      positions = Map.copyOf(positions);
      handled = List.copyOf(handled);
    }
  }

  /** Call inside a transaction. */
  Outcome apply(List<ConsumerRecord<String, byte[]>> records) {
    Set<Integer> partitions = new LinkedHashSet<>();
    records.forEach(r -> partitions.add(r.partition()));
    Map<Integer, Long> stored = store.lockPositions(partitions);

    List<PublishedEvent> events = new ArrayList<>(records.size());
    List<Integer> eventAt = new ArrayList<>(records.size());
    int end = records.size();
    PoisonRecordException poison = null;
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, byte[]> record = records.get(i);
      if (record.offset() < stored.getOrDefault(record.partition(), Long.MIN_VALUE)) {
        continue;
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
      poison = new PoisonRecordException("conflict: " + conflict.get().reason(), records.get(end), true);
    }

    List<ConsumerRecord<String, byte[]>> handled = records.subList(0, end);
    Map<Integer, Long> positions = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : handled) {
      if (record.offset() + 1 > stored.getOrDefault(record.partition(), Long.MIN_VALUE)) {
        positions.merge(record.partition(), record.offset() + 1, Math::max);
      }
    }
    store.savePositions(positions);
    return new Outcome(positions, handled, poison);
  }
}
