package io.zepusers.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.TestInfra;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A read-model database from before the claims moved into the audit trail keeps every claim: each
 * trail row gets the fingerprint its {@code applied_events} row had, and that table goes.
 */
class FingerprintsMigrationIT {

  @Test
  void everyClaimsFingerprintMovesToItsTrailRow() {
    DriverManagerDataSource db =
        new DriverManagerDataSource(TestInfra.newDatabase("fingerprints_migration"));
    JdbcTemplate jdbc = new JdbcTemplate(db);
    flyway(db).target("5").load().migrate();
    // one claim made before fingerprints were kept, two with one
    byte[][] claimed = {null, {1, 2}, {3}};
    for (int sequence = 0; sequence < claimed.length; sequence++) {
      jdbc.update(
          "INSERT INTO audit_events (subject, aggregate_id, sequence, event_id, type, time, data) "
              + "VALUES ('u', 'u', ?, ?, 'user.updated', now(), '{}')",
          sequence,
          "e" + sequence);
      jdbc.update(
          "INSERT INTO applied_events (aggregate_id, sequence, fingerprint) VALUES ('u', ?, ?)",
          sequence,
          claimed[sequence]);
    }

    flyway(db).load().migrate();

    Map<Long, byte[]> fingerprints = new HashMap<>();
    jdbc.query(
        "SELECT sequence, fingerprint FROM audit_events",
        rs -> {
          fingerprints.put(rs.getLong(1), rs.getBytes(2));
        });
    assertThat(fingerprints).containsOnlyKeys(0L, 1L, 2L);
    assertThat(fingerprints.get(0L)).isNull();
    assertThat(fingerprints.get(1L)).containsExactly(1, 2);
    assertThat(fingerprints.get(2L)).containsExactly(3);
    assertThat(jdbc.queryForObject("SELECT to_regclass('applied_events')::text", String.class))
        .isNull();
  }

  private static FluentConfiguration flyway(DriverManagerDataSource db) {
    return Flyway.configure().dataSource(db).locations("classpath:db/migration");
  }
}
