package io.zepusers.query.rebuild;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rebuild's last check before the swap: no event stream may be further in the live read models
 * than in the copies (schema {@code rebuild}), or the swap would lose what the live ones applied;
 * as when the event store was restored from a backup older than the topic.
 *
 * <p>Comparing every stream while the live batches are held back took 0.4–0.6 s for a million
 * events. So the streams that can be behind are found before: {@link #suspects()} runs while the
 * live batches go on, and {@link #count(Suspects)}, with them held back, looks only at those.
 */
final class StreamsBehind {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;

  StreamsBehind(JdbcTemplate jdbc, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /**
   * The event streams the copies are behind the live read models on now ({@code behind}: most are
   * in the last records the copies have yet to apply), and the live trail's last position, after
   * which every stream the live read models change from now on shows ({@code trailPosition}).
   */
  record Suspects(List<String> behind, long trailPosition) {}

  /**
   * Each event the live batches apply appends its row to the trail, numbered from one sequence, in
   * the transaction that moves its stream in {@code applied_sequences}. The trail's position is
   * read while no live batch runs (each holds {@code read_model_generation} shared from its start;
   * this waits for those under way), so every row up to it has committed; the streams behind are
   * read after that.
   */
  Suspects suspects() {
    Long position =
        transactions.execute(
            tx -> {
              jdbc.execute("SET LOCAL lock_timeout = '30s'");
              jdbc.queryForList("SELECT generation FROM read_model_generation FOR UPDATE");
              return jdbc.queryForObject(
                  "SELECT coalesce(max(position), 0) FROM public.audit_events", Long.class);
            });
    List<String> behind =
        jdbc.queryForList(
            "SELECT live.aggregate_id FROM public.applied_sequences live "
                + "LEFT JOIN rebuild.applied_sequences copy USING (aggregate_id) "
                + "WHERE copy.last_sequence IS NULL OR copy.last_sequence < live.last_sequence",
            String.class);
    return new Suspects(behind, position == null ? 0 : position);
  }

  /**
   * How many event streams the live read models have applied further than the copies. Call with the
   * live batches held back. Only the suspects can be: every other stream was at least as far in the
   * copies when they were found, the live read models have not moved it since, and the copies only
   * grow.
   */
  long count(Suspects suspects) {
    Long behind =
        jdbc.queryForObject(
            "WITH suspect AS (SELECT unnest(?::text[]) AS aggregate_id "
                + "UNION SELECT aggregate_id FROM public.audit_events WHERE position > ?) "
                + "SELECT count(*) FROM suspect JOIN public.applied_sequences live USING (aggregate_id) "
                + "LEFT JOIN rebuild.applied_sequences copy USING (aggregate_id) "
                + "WHERE copy.last_sequence IS NULL OR copy.last_sequence < live.last_sequence",
            Long.class,
            suspects.behind().toArray(new String[0]),
            suspects.trailPosition());
    return behind == null ? 0 : behind;
  }
}
