package io.zepusers.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The contract's timestamps ({@code 2024-01-01T00:00:04.123456Z}, as {@link Instant#toString()}
 * writes them), read and written without {@link java.time.format.DateTimeFormatter}: its general
 * parser was a seventh of query-service's CPU in a rebuild and a tenth of command-service's
 * (docs/performance.md). Anything else an RFC 3339 reader accepts (an offset, a leap second, a year
 * past 9999) goes to {@code java.time}'s own reading, so what is accepted, and what it means, does
 * not change.
 */
public final class Timestamps {

  private Timestamps() {}

  /** As {@link Instant#parse(CharSequence)}. */
  public static Instant parse(String text) {
    Instant fast = parseUtc(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /** As {@link Instant#toString()}. */
  public static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return instant.toString();
    }
    char[] out = new char[30];
    int n = 0;
    n = digits(out, n, year, 4);
    out[n++] = '-';
    n = digits(out, n, t.getMonthValue(), 2);
    out[n++] = '-';
    n = digits(out, n, t.getDayOfMonth(), 2);
    out[n++] = 'T';
    n = digits(out, n, t.getHour(), 2);
    out[n++] = ':';
    n = digits(out, n, t.getMinute(), 2);
    out[n++] = ':';
    n = digits(out, n, t.getSecond(), 2);
    int nano = instant.getNano();
    if (nano > 0) {
      out[n++] = '.';
      if (nano % 1_000_000 == 0) {
        n = digits(out, n, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        n = digits(out, n, nano / 1000, 6);
      } else {
        n = digits(out, n, nano, 9);
      }
    }
    out[n++] = 'Z';
    return new String(out, 0, n);
  }

  /** Jackson's reading and writing of {@link Instant} through these. */
  static SimpleModule jacksonModule() {
    SimpleModule module = new SimpleModule("zep-timestamps");
    module.addSerializer(Instant.class, new Writer());
    module.addDeserializer(Instant.class, new Reader());
    return module;
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for anything else. */
  private static Instant parseUtc(String s) {
    int length = s.length();
    if (length < 20 || length > 30 || s.charAt(length - 1) != 'Z') {
      return null;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 7);
    int day = number(s, 8, 10);
    int hour = number(s, 11, 13);
    int minute = number(s, 14, 16);
    int second = number(s, 17, 19);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nano = 0;
    if (length > 20) {
      int digits = length - 21;
      if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
        return null;
      }
      nano = number(s, 20, length - 1);
      if (nano < 0) {
        return null;
      }
      for (int i = digits; i < 9; i++) {
        nano *= 10;
      }
    } else if (s.charAt(19) != 'Z') {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // no such day: java.time says why
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nano);
  }

  /** The decimal digits in {@code [from, to)}, or -1 if one is not a digit. */
  private static int number(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      int digit = s.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static int digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  private static final class Writer extends StdSerializer<Instant> {
    Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(format(value));
    }
  }

  /**
   * The contract's form at once; anything else as Jackson's own {@link Instant} reader reads it.
   */
  private static final class Reader extends StdDeserializer<Instant> {
    Reader() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        Instant fast = parseUtc(parser.getText().trim());
        if (fast != null) {
          return fast;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }
}
