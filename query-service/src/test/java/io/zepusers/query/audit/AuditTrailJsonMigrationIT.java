package io.zepusers.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.events.EventJson;
import io.zepusers.testinfra.TestInfra;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The trail's data becomes json; what was stored as jsonb before reads back as the same JSON. */
class AuditTrailJsonMigrationIT {

  private static final ObjectMapper JSON = EventJson.newMapper();

  @Test
  void storedDataKeepsItsContent() throws Exception {
    DriverManagerDataSource db =
        new DriverManagerDataSource(TestInfra.newDatabase("trail_json_migration"));
    JdbcTemplate jdbc = new JdbcTemplate(db);
    flyway(db).target("6").load().migrate();
    String data =
        "{\"user_id\":\"u\",\"email\":\"a@b.c\",\"metadata\":{\"price\":1.10,\"tags\":[\"x\",null],\"n\":{\"deep\":true}}}";
    jdbc.update(
        "INSERT INTO audit_events (subject, aggregate_id, sequence, event_id, type, time, data) "
            + "VALUES ('u', 'u', 0, 'e0', 'user.created', now(), ?::jsonb)",
        data);

    flyway(db).load().migrate();

    assertThat(
            jdbc.queryForObject(
                "SELECT data_type FROM information_schema.columns "
                    + "WHERE table_name = 'audit_events' AND column_name = 'data'",
                String.class))
        .isEqualTo("json");
    String stored = jdbc.queryForObject("SELECT data::text FROM audit_events", String.class);
    assertThat(JSON.readTree(stored)).isEqualTo(JSON.readTree(data));
    assertThat(stored).contains("1.10");
  }

  private static FluentConfiguration flyway(DriverManagerDataSource db) {
    return Flyway.configure().dataSource(db).locations("classpath:db/migration");
  }
}
