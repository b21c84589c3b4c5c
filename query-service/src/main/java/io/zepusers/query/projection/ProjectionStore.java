package io.zepusers.query.projection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The projection's own bookkeeping: positions per partition and the last applied sequence per event stream. */
@Component
public class ProjectionStore {

  private final JdbcTemplate jdbc;
  private final String topic;

  ProjectionStore(JdbcTemplate jdbc, ConsumerSettings settings) {
    this.jdbc = jdbc;
    this.topic = settings.topic();
  }

  /**
   * Records that {@code sequence} of {@code aggregateId} is being applied.
   *
   * @return false when it was applied before (a redelivery), so it must change nothing
   */
  boolean claim(String aggregateId, long sequence) {
    List<Integer> claimed =
        jdbc.queryForList(
            "INSERT INTO applied_sequences (aggregate_id, last_sequence) VALUES (?, ?) "
                + "ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence "
                + "WHERE applied_sequences.last_sequence < EXCLUDED.last_sequence RETURNING 1",
            Integer.class,
            aggregateId,
            sequence);
    return !claimed.isEmpty();
  }

  public void savePosition(TopicPartition partition, long nextOffset) {
    jdbc.update(
        "INSERT INTO consumer_positions (topic, partition, next_offset) VALUES (?, ?, ?) "
            + "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset",
        partition.topic(),
        partition.partition(),
        nextOffset);
  }

  /** Next offset to apply, per partition of the event topic, as committed. */
  public Map<Integer, Long> positions() {
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
