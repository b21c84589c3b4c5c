package io.zepusers.query.web;

import io.zepusers.web.BadRequestException;

/**
 * Zep's keyset paging: {@code id > cursor ORDER BY id LIMIT limit}; an absent, empty or
 * non-positive limit means no limit, an absent cursor means 0.
 */
public record Paging(long limit, long cursor) {

  public static Paging of(String limit, String cursor) {
    return new Paging(integer("limit", limit), integer("cursor", cursor));
  }

  public boolean unlimited() {
    return limit <= 0;
  }

  private static long integer(String name, String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new BadRequestException(name + " must be an integer, got \"" + value + "\"");
    }
  }
}
