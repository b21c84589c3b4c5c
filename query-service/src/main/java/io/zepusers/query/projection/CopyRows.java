package io.zepusers.query.projection;

import io.zepusers.events.Timestamps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
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

  private static final byte[] NULL = {'\\', 'N'};
  private final String copy;
  private byte[] buffer = new byte[8192];
  private int length;
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
    return value == null ? nothing() : utf8(value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Text already encoded as UTF-8 (such as JSON that was just written): it is copied as it is,
   * without a detour through a {@link String}.
   */
  public CopyRows utf8(byte[] value) {
    if (value == null) {
      return nothing();
    }
    separate();
    ensure(value.length + 16);
    int from = 0;
    for (int i = special(value, 0); i < value.length; i = special(value, i + 1)) {
      append(value, from, i - from);
      ensure(value.length - i + 2);
      buffer[length++] = '\\';
      buffer[length++] = ESCAPED[value[i]];
      from = i + 1;
    }
    append(value, from, value.length - from);
    return this;
  }

  /** What follows the backslash for each byte that must be escaped in COPY's text format. */
  private static final byte[] ESCAPED = new byte[128];

  static {
    ESCAPED['\\'] = '\\';
    ESCAPED['\n'] = 'n';
    ESCAPED['\r'] = 'r';
    ESCAPED['\t'] = 't';
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The index of the first byte from {@code from} on that must be escaped (a backslash, tab, line
   * feed or carriage return), or the length. Eight bytes at a time: a word holds none of them when
   * it has no backslash and no byte below 14, which is most words of JSON (the byte-by-byte loop
   * before this was a tenth of query-service's samples in a rebuild, docs/performance.md).
   */
  static int special(byte[] value, int from) {
    int i = from;
    while (i + Long.BYTES <= value.length) {
      long word = (long) LONGS.get(value, i);
      long backslashes = word ^ (ONES * '\\');
      // a zero byte in (backslashes), or a byte below 14 in word: the exact test for "any", where
      // the marked positions above the first may be wrong (a borrow), so the bytes are then looked
      // at one by one
      long any =
          ((backslashes - ONES) & ~backslashes & HIGHS) | ((word - ONES * 14) & ~word & HIGHS);
      int end = i + Long.BYTES;
      if (any != 0) {
        int at = oneByOne(value, i, end);
        if (at < end) {
          return at;
        }
      }
      i = end;
    }
    return oneByOne(value, i, value.length);
  }

  /** The first byte to escape from {@code from} to {@code to} (exclusive), or {@code to}. */
  private static int oneByOne(byte[] value, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = value[i];
      if (b >= 0 && ESCAPED[b] != 0) {
        return i;
      }
    }
    return to;
  }

  public CopyRows number(long value) {
    separate();
    return ascii(Long.toString(value));
  }

  /**
   * To the microsecond, rounded as the JDBC driver rounds a {@link java.sql.Timestamp} parameter
   * (up from 500 ns), so a row copied and a row inserted hold the same time.
   */
  public CopyRows timestamp(Instant value) {
    if (value == null) {
      return nothing();
    }
    int belowMicros = value.getNano() % 1000;
    Instant micros =
        belowMicros > 499 ? value.plusNanos(1000 - belowMicros) : value.minusNanos(belowMicros);
    separate();
    return ascii(Timestamps.format(micros));
  }

  public CopyRows bytes(byte[] value) {
    if (value == null) {
      return nothing();
    }
    separate();
    ensure(3 + 2 * value.length);
    buffer[length++] = '\\';
    buffer[length++] = '\\';
    buffer[length++] = 'x';
    for (byte b : value) {
      buffer[length++] = HEX_DIGITS[(b >> 4) & 0xf];
      buffer[length++] = HEX_DIGITS[b & 0xf];
    }
    return this;
  }

  /** Ends the row begun by the values before. */
  public CopyRows endRow() {
    ensure(1);
    buffer[length++] = '\n';
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
    byte[] data = buffer;
    int size = length;
    jdbc.execute(
        (ConnectionCallback<Long>)
            connection -> {
              CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
              try {
                in.writeToCopy(data, 0, size);
                return in.endCopy();
              } finally {
                if (in.isActive()) {
                  cancelQuietly(in);
                }
              }
            });
    length = 0;
    rows = 0;
  }

  private static void cancelQuietly(CopyIn in) {
    try {
      in.cancelCopy();
    } catch (SQLException ignored) {
      // the copy's own failure is what the caller learns
    }
  }

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private CopyRows nothing() {
    separate();
    append(NULL, 0, NULL.length);
    return this;
  }

  private CopyRows ascii(String value) {
    ensure(value.length());
    for (int i = 0; i < value.length(); i++) {
      buffer[length++] = (byte) value.charAt(i);
    }
    return this;
  }

  private void separate() {
    if (rowStarted) {
      ensure(1);
      buffer[length++] = '\t';
    }
    rowStarted = true;
  }

  private void append(byte[] bytes, int from, int count) {
    ensure(count);
    System.arraycopy(bytes, from, buffer, length, count);
    length += count;
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }
}
