package io.zepusers.query.web;

import io.zepusers.web.BadRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The {@code as_of} query parameter: an RFC 3339 time, in years 0001 to 9999 (RFC 3339's own
 * range).
 */
public final class AsOf {

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private AsOf() {}

  public static Instant parse(String value) {
    Instant instant;
    try {
      instant = OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadRequestException(
          "as_of must be an RFC 3339 time such as 2024-01-02T03:04:05Z, got \"" + value + "\"");
    }
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw new BadRequestException(
          "as_of must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got \""
              + value
              + "\"");
    }
    return instant;
  }
}
