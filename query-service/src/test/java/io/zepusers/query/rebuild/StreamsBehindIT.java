package io.zepusers.query.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zepusers.testinfra.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The switch's check finds every event stream the copies are behind the live read models on, though
 * it looks only at the suspects found before the live batches were held back.
 */
class StreamsBehindIT {

  String url;
  JdbcTemplate jdbc;
  StreamsBehind check;

  @BeforeEach
  void database() {
    url = TestInfra.newDatabase("streams_behind");
    DataSource db = new DriverManagerDataSource(url);
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    jdbc = new JdbcTemplate(db);
    jdbc.update("INSERT INTO read_model_generation (generation, topic) VALUES (1, 'zep.events')");
    jdbc.execute("CREATE SCHEMA rebuild");
    jdbc.execute(
        "CREATE TABLE rebuild.applied_sequences (LIKE public.applied_sequences INCLUDING ALL)");
    check = new StreamsBehind(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)));
  }

  @Test
  void aStreamBehindWhenTheSuspectsAreFoundOrMovedByTheLiveSideAfterIsCounted() {
    live("level", 2);
    copy("level", 2);
    live("caught-up-later", 1);
    copy("caught-up-later", 0);
    live("missing-from-the-copies", 3);
    live("moved-after", 1);
    copy("moved-after", 1);

    StreamsBehind.Suspects suspects = check.suspects();
    assertThat(suspects.behind())
        .containsExactlyInAnyOrder("caught-up-later", "missing-from-the-copies");

    copy("caught-up-later", 1);
    live("moved-after", 2); // the copies stay at 1
    live("new-after", 0);
    copy("new-after", 0);
    assertThat(check.count(suspects)).isEqualTo(2); // missing-from-the-copies, moved-after

    copy("missing-from-the-copies", 3);
    copy("moved-after", 2);
    assertThat(check.count(suspects)).isZero();
  }

  /**
   * A live batch under way when the suspects are looked for (its trail row numbered, not yet
   * committed) is waited for; its stream is a suspect either way.
   */
  @Test
  void aLiveBatchUnderWayWhenTheSuspectsAreFoundIsWaitedFor() throws Exception {
    try (Connection batch = DriverManager.getConnection(url)) {
      batch.setAutoCommit(false);
      try (Statement s = batch.createStatement()) {
        s.execute("SELECT generation FROM read_model_generation FOR SHARE");
        s.execute(applyLive("under-way", 0));
      }
      CompletableFuture<StreamsBehind.Suspects> found =
          CompletableFuture.supplyAsync(check::suspects);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  jdbc.queryForObject(
                          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                              + "AND query LIKE '%read_model_generation FOR UPDATE%'",
                          Long.class)
                      == 1);
      assertThat(found).isNotDone();
      batch.commit();
      StreamsBehind.Suspects suspects = found.get();
      assertThat(check.count(suspects)).isEqualTo(1);
    }
  }

  /** The live side applies {@code sequence} of {@code stream}: its trail row and its sequence. */
  private void live(String stream, long sequence) {
    jdbc.execute(applyLive(stream, sequence));
  }

  private static String applyLive(String stream, long sequence) {
    return "WITH trail AS (INSERT INTO public.audit_events "
        + "(subject, aggregate_id, sequence, event_id, type, time, data) VALUES ('"
        + stream
        + "', '"
        + stream
        + "', "
        + sequence
        + ", gen_random_uuid()::text, 'user.updated', now(), '{}')) "
        + "INSERT INTO public.applied_sequences (aggregate_id, last_sequence) VALUES ('"
        + stream
        + "', "
        + sequence
        + ") ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence";
  }

  private void copy(String stream, long sequence) {
    jdbc.update(
        "INSERT INTO rebuild.applied_sequences (aggregate_id, last_sequence) VALUES (?, ?) "
            + "ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence",
        stream,
        sequence);
  }
}
