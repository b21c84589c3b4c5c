package io.zepusers.query.projection;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows appended to a table with PostgreSQL's {@code COPY ... FROM STDIN} (text format), in the
 * caller's transaction. For append-only tables that a batch adds many rows to (the audit trail, the
 * applied events): PostgreSQL takes a copied row for less than half the CPU of the same row in a
 * multi-row {@code INSERT} (docs/performance.md). A value that a column refuses fails the copy as
 * it would fail an {@code INSERT}, with the same SQLState.
 */
public final class CopyRows {

  private static final HexFormat HEX = HexFormat.of();
  private final String copy;
  private final StringBuilder text = new StringBuilder(4096);
  private boolean rowStarted;
  private int rows;

  /**
   * @param table the table, as the transaction's {@code search_path} finds it
   * @param columns the columns each row gives, in order
   */
  public CopyRows(String table, String columns) {
    this.copy = "COPY " + table + " (" + columns + ") FROM STDIN";
  }

  public CopyRows text(String value) {
    separate();
    if (value == null) {
      text.append("\\N");
      return this;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        default -> text.append(c);
      }
    }
    return this;
  }

  public CopyRows number(long value) {
    separate();
    text.append(value);
    return this;
  }

  /**
   * To the microsecond, rounded as the JDBC driver rounds a {@link java.sql.Timestamp} parameter
   * (up from 500 ns), so a row copied and a row inserted hold the same time.
   */
  public CopyRows timestamp(Instant value) {
    if (value == null) {
      return text(null);
    }
    int belowMicros = value.getNano() % 1000;
    Instant micros =
        belowMicros > 499 ? value.plusNanos(1000 - belowMicros) : value.minusNanos(belowMicros);
    separate();
    text.append(micros);
    return this;
  }

  public CopyRows bytes(byte[] value) {
    separate();
    if (value == null) {
      text.append("\\N");
    } else {
      text.append("\\\\x").append(HEX.formatHex(value));
    }
    return this;
  }

  /** Ends the row begun by the values before. */
  public CopyRows endRow() {
    text.append('\n');
    rowStarted = false;
    rows++;
    return this;
  }

  public boolean isEmpty() {
    return rows == 0;
  }

  /** Sends the rows (if any) on the transaction's connection, and starts empty again. */
  public void copyWith(JdbcTemplate jdbc) {
    if (rows == 0) {
      return;
    }
    byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
    jdbc.execute(
        (ConnectionCallback<Long>)
            connection -> {
              CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
              try {
                in.writeToCopy(data, 0, data.length);
                return in.endCopy();
              } finally {
                if (in.isActive()) {
                  cancelQuietly(in);
                }
              }
            });
    text.setLength(0);
    rows = 0;
  }

  private static void cancelQuietly(CopyIn in) {
    try {
      in.cancelCopy();
    } catch (SQLException ignored) {
      // the copy's own failure is what the caller learns
    }
  }

  private void separate() {
    if (rowStarted) {
      text.append('\t');
    }
    rowStarted = true;
  }
}
