package io.zepusers.query.projection;

import io.zepusers.events.PublishedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Applies a batch of events to every projection, each event once: an event whose (aggregate id, sequence) is at or
 * below the last one applied for its aggregate is a redelivery and is dropped. Runs inside the caller's
 * transaction, against whatever tables its {@code search_path} names (the live read models, or the copies a rebuild
 * fills aside).
 */
@Component
public class EventApplier {

  private final List<Projection> projections;
  private final JdbcTemplate jdbc;

  EventApplier(List<Projection> projections, JdbcTemplate jdbc) {
    this.projections = projections;
    this.jdbc = jdbc;
  }

  public void apply(List<PublishedEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    Map<String, Long> last = lastApplied(events);
    Map<String, Long> claimed = new HashMap<>();
    List<PublishedEvent> fresh = new ArrayList<>(events.size());
    for (PublishedEvent event : events) {
      long applied = last.getOrDefault(event.aggregateId(), -1L);
      if (event.sequence() > applied) {
        fresh.add(event);
        last.put(event.aggregateId(), event.sequence());
        claimed.put(event.aggregateId(), event.sequence());
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    projections.forEach(p -> p.apply(fresh));
    List<Object[]> rows = new ArrayList<>(claimed.size());
    claimed.forEach((aggregate, sequence) -> rows.add(new Object[] {aggregate, sequence}));
    jdbc.batchUpdate(
        "INSERT INTO applied_sequences (aggregate_id, last_sequence) VALUES (?, ?) "
            + "ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = GREATEST(applied_sequences.last_sequence, EXCLUDED.last_sequence)",
        rows);
  }

  private Map<String, Long> lastApplied(List<PublishedEvent> events) {
    Set<String> aggregates = new LinkedHashSet<>();
    events.forEach(e -> aggregates.add(e.aggregateId()));
    Map<String, Long> last = new HashMap<>();
    jdbc.query(
        "SELECT aggregate_id, last_sequence FROM applied_sequences WHERE aggregate_id = ANY(?)",
        rs -> {
          last.put(rs.getString(1), rs.getLong(2));
        },
        (Object) aggregates.toArray(new String[0]));
    return last;
  }
}
