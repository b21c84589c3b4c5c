package io.zepusers.query.web;

import io.zepusers.web.BadRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The {@code as_of} query parameter: an RFC 3339 time. */
public final class AsOf {

  private AsOf() {}

  public static Instant parse(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadRequestException("as_of must be an RFC 3339 time such as 2024-01-02T03:04:05Z, got \"" + value + "\"");
    }
  }
}
