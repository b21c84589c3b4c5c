package io.zepusers.query.projection;

import java.util.HashMap;
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
