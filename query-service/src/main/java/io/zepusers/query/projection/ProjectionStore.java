package io.zepusers.query.projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The projection's own bookkeeping: positions per partition and the last applied sequence per event
 * stream.
 */
@Component
public class ProjectionStore {

  private final JdbcTemplate jdbc;

  ProjectionStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void savePosition(TopicPartition partition, long nextOffset) {
    jdbc.update(
        "INSERT INTO consumer_positions (topic, partition, next_offset) VALUES (?, ?, ?) "
            + "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset",
        partition.topic(),
        partition.partition(),
        nextOffset);
  }

  /** Stores each partition's next offset, where it is ahead of the stored one. */
  public void savePositions(String topic, Map<Integer, Long> nextOffsets) {
    if (nextOffsets.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>(nextOffsets.size());
    nextOffsets.forEach((partition, next) -> rows.add(new Object[] {topic, partition, next}));
    jdbc.batchUpdate(
        "INSERT INTO consumer_positions (topic, partition, next_offset) VALUES (?, ?, ?) "
            + "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(consumer_positions.next_offset, EXCLUDED.next_offset)",
        rows);
  }

  /**
   * Next offset to apply of these partitions, locked until the transaction ends: while two
   * instances both hold a partition (during a rebalance), the second waits for the first's commit
   * and then sees how far it got.
   */
  public Map<Integer, Long> lockPositions(String topic, Collection<Integer> partitions) {
    Map<Integer, Long> positions = new HashMap<>();
    jdbc.query(
        "SELECT partition, next_offset FROM consumer_positions WHERE topic = ? AND partition = ANY(?) ORDER BY partition FOR UPDATE",
        rs -> {
          positions.put(rs.getInt(1), rs.getLong(2));
        },
        topic,
        partitions.toArray(new Integer[0]));
    return positions;
  }

  /** Next offset to apply, per partition of {@code topic}, as committed. */
  public Map<Integer, Long> positions(String topic) {
    Map<Integer, Long> positions = new HashMap<>();
    jdbc.query(
        "SELECT partition, next_offset FROM consumer_positions WHERE topic = ?",
        rs -> {
          positions.put(rs.getInt(1), rs.getLong(2));
        },
        topic);
    return positions;
  }
}
