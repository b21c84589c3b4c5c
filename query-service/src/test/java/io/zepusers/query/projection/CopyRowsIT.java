package io.zepusers.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.testinfra.TestInfra;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Rows copied arrive as the same rows inserted with parameters would, on a real PostgreSQL. */
class CopyRowsIT {

  static JdbcTemplate jdbc;

  @BeforeAll
  static void database() {
    jdbc = new JdbcTemplate(new DriverManagerDataSource(TestInfra.newDatabase("copy_rows")));
    jdbc.execute(
        "CREATE TABLE t (id BIGINT, s TEXT, at TIMESTAMPTZ, doc JSONB, b BYTEA, PRIMARY KEY (id))");
  }

  @Test
  void everyValueArrivesAsAnInsertedOneDoes() throws Exception {
    List<String> texts =
        List.of(
            "plain",
            "tab\there",
            "new\nline",
            "carriage\rreturn",
            "back\\slash \\N \\t",
            "",
            "üñí ☃ 𝄞",
            "\\.");
    Instant[] times = {
      Instant.parse("2024-01-01T00:00:00Z"),
      Instant.parse("2024-01-01T00:00:00.123456499Z"),
      Instant.parse("2024-01-01T00:00:00.123456500Z"),
      Instant.parse("2024-12-31T23:59:59.999999600Z"),
    };
    CopyRows rows = new CopyRows("t", "id, s, at, doc, b");
    long id = 0;
    for (String text : texts) {
      for (Instant time : times) {
        id++;
        String doc = new ObjectMapper().writeValueAsString(Map.of("v", text, "t", "\t"));
        byte[] bytes = {(byte) id, 0, (byte) 0xff, '\\', '\t'};
        rows.number(id).text(text).timestamp(time).text(doc).bytes(bytes).endRow();
        jdbc.update(
            "INSERT INTO t (id, s, at, doc, b) VALUES (?, ?, ?, ?::jsonb, ?)",
            -id,
            text,
            Timestamp.from(time),
            doc,
            bytes);
      }
    }
    rows.number(++id).text(null).timestamp(null).text(null).bytes(null).endRow();
    jdbc.update("INSERT INTO t (id) VALUES (?)", -id);
    rows.copyWith(jdbc);
    assertThat(rows.isEmpty()).isTrue();

    List<Map<String, Object>> differ =
        jdbc.queryForList(
            "SELECT c.id FROM t c JOIN t i ON i.id = -c.id WHERE c.id > 0 AND "
                + "(c.s, c.at, c.doc, c.b) IS DISTINCT FROM (i.s, i.at, i.doc, i.b)");
    assertThat(differ).isEmpty();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM t WHERE id > 0", Long.class))
        .isEqualTo(id);
  }

  @Test
  void aValueTheColumnRefusesFailsWithTheSameDataError() {
    CopyRows rows = new CopyRows("t", "id, doc");
    rows.number(1_000_000).text("{\"k\":\"a\\u0000b\"}").endRow();
    assertThatThrownBy(() -> rows.copyWith(jdbc))
        .satisfies(e -> assertThat(Failures.isRecordFault(e)).isTrue());
    assertThat(jdbc.queryForObject("SELECT count(*) FROM t WHERE id = 1000000", Long.class))
        .isZero();
  }
}
