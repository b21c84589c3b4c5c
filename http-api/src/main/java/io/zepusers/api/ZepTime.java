package io.zepusers.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps as Zep's Go server wrote them: RFC 3339 in UTC, microseconds at most, trailing zeros
 * of the fraction trimmed ({@code 2024-01-02T03:04:05.1234Z}, {@code 2024-01-02T03:04:05Z}).
 */
public final class ZepTime {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private ZepTime() {}

  /** What the database and the events keep: microsecond precision. */
  public static Instant truncate(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  public static String format(Instant instant) {
    Instant t = truncate(instant);
    StringBuilder s = new StringBuilder(30).append(SECONDS.format(t));
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      String fraction = String.format("%06d", micros);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      s.append('.').append(fraction, 0, end);
    }
    return s.append('Z').toString();
  }
}
