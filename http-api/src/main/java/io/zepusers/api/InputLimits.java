package io.zepusers.api;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the API accepts, checked where a request comes in, so that every later stage can hold it: an
 * event in the event store and on Kafka (a record of at most 1 MiB), a PostgreSQL {@code text},
 * {@code jsonb} or {@code numeric} column and a btree index entry (at most 2,704 bytes), every
 * client that reads a list. Each refusal names the field and the limit.
 *
 * <ul>
 *   <li>ids ({@code user_id}, {@code session_id}): 1 to {@value #MAX_ID_CHARS} characters and at
 *       most {@value #MAX_ID_BYTES} bytes in UTF-8; no control characters, no backslash (URLs
 *       cannot carry it reliably), not {@code .} or {@code ..} (a URL path cannot name them);
 *   <li>{@code email}, {@code first_name}, {@code last_name}: at most {@value #MAX_TEXT_CHARS}
 *       characters;
 *   <li>{@code metadata}: at most {@value #MAX_METADATA_BYTES} bytes as compact JSON (checked again
 *       after a merge) and {@value #MAX_METADATA_DEPTH} levels of nesting; numbers with at most
 *       {@value #MAX_NUMBER_DIGITS} digits before and after the decimal point;
 *   <li>every string, key and value: no NUL character and no unpaired UTF-16 surrogate (neither can
 *       be stored as text in PostgreSQL).
 * </ul>
 */
public final class InputLimits {

  public static final int MAX_ID_CHARS = 1_000;
  public static final int MAX_ID_BYTES = 2_000;
  public static final int MAX_TEXT_CHARS = 1_000;
  public static final int MAX_METADATA_BYTES = 256 * 1024;
  public static final int MAX_METADATA_DEPTH = 32;
  public static final int MAX_NUMBER_DIGITS = 1_000;

  private InputLimits() {}

  /** A valid id, or an {@link InvalidInputException} that says why not. */
  public static String id(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field + " cannot be empty");
    }
    String problem = idProblem(value);
    if (problem != null) {
      throw new InvalidInputException(field + " " + problem);
    }
    return value;
  }

  /**
   * Whether an id taken from a URL path could have been created. One that could not names nothing,
   * so reads, updates and deletes answer 404 without asking a database that may not even be able to
   * hold it.
   */
  public static boolean isPossibleId(String value) {
    return value != null && !value.isEmpty() && idProblem(value) == null;
  }

  private static String idProblem(String value) {
    int chars = value.codePointCount(0, value.length());
    if (chars > MAX_ID_CHARS) {
      return "is too long: at most " + MAX_ID_CHARS + " characters, got " + chars;
    }
    if (value.equals(".") || value.equals("..")) {
      return "cannot be \".\" or \"..\"";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "cannot contain control characters (found U+" + String.format("%04X", (int) c) + ")";
      }
      if (c == '\\') {
        return "cannot contain a backslash";
      }
    }
    String surrogate = surrogateProblem(value);
    if (surrogate != null) {
      return surrogate;
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_ID_BYTES) {
      return "is too long: at most " + MAX_ID_BYTES + " bytes in UTF-8, got " + bytes;
    }
    return null;
  }

  /** An optional text field (null passes). */
  public static String text(String field, String value) {
    if (value == null) {
      return null;
    }
    int chars = value.codePointCount(0, value.length());
    if (chars > MAX_TEXT_CHARS) {
      throw new InvalidInputException(
          field + " is too long: at most " + MAX_TEXT_CHARS + " characters, got " + chars);
    }
    storable(field, value);
    return value;
  }

  /**
   * Optional metadata as it came in (null passes): depth, strings, keys and numbers, and its size.
   * Does not bound what a merge makes of it; check that with {@link #metadataSize}.
   */
  public static Map<String, Object> metadata(String field, Map<String, Object> value) {
    if (value != null) {
      check(field, value, 1);
    }
    return value;
  }

  /**
   * Refuses metadata whose compact JSON form ({@code jsonBytes}, measured by the caller's
   * serializer) is over the limit; {@code afterMerge} says so in the message.
   */
  public static void metadataSize(String field, long jsonBytes, boolean afterMerge) {
    if (jsonBytes > MAX_METADATA_BYTES) {
      throw new InvalidInputException(
          field
              + " is too large"
              + (afterMerge ? " after the merge" : "")
              + ": at most "
              + MAX_METADATA_BYTES
              + " bytes as JSON, got "
              + jsonBytes);
    }
  }

  private static void check(String path, Object value, int depth) {
    if (value instanceof Map<?, ?> map) {
      requireDepth(path, depth);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        storable(path + " key \"" + abbreviate(key) + "\"", key);
        check(path + "." + abbreviate(key), entry.getValue(), depth + 1);
      }
    } else if (value instanceof List<?> list) {
      requireDepth(path, depth);
      for (int i = 0; i < list.size(); i++) {
        check(path + "[" + i + "]", list.get(i), depth + 1);
      }
    } else if (value instanceof String s) {
      storable(path, s);
    } else if (value instanceof BigDecimal d) {
      number(path, d);
    } else if (value instanceof Number n && !(n instanceof Integer || n instanceof Long)) {
      number(path, new BigDecimal(n.toString()));
    }
  }

  private static void requireDepth(String path, int depth) {
    if (depth > MAX_METADATA_DEPTH) {
      throw new InvalidInputException(
          abbreviate(path)
              + " is nested too deeply: at most "
              + MAX_METADATA_DEPTH
              + " levels of objects and arrays");
    }
  }

  /**
   * PostgreSQL {@code numeric} (and so {@code jsonb}) holds at most 131,072 digits before the point
   * and 16,383 after.
   */
  private static void number(String path, BigDecimal d) {
    int scale = d.scale();
    int integerDigits = d.precision() - scale;
    if (scale > MAX_NUMBER_DIGITS || integerDigits > MAX_NUMBER_DIGITS) {
      throw new InvalidInputException(
          abbreviate(path)
              + " is a number out of range: at most "
              + MAX_NUMBER_DIGITS
              + " digits before and after the decimal point");
    }
  }

  private static void storable(String field, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new InvalidInputException(
          abbreviate(field) + " cannot contain the NUL character (\\u0000)");
    }
    String surrogate = surrogateProblem(value);
    if (surrogate != null) {
      throw new InvalidInputException(abbreviate(field) + " " + surrogate);
    }
  }

  private static String surrogateProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "cannot contain an unpaired UTF-16 surrogate (U+"
            + String.format("%04X", (int) c)
            + ")";
      }
    }
    return null;
  }

  private static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
  }
}
