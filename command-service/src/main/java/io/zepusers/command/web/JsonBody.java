package io.zepusers.command.web;

import io.zepusers.api.InputLimits;
import io.zepusers.web.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A request body read the way Zep's Go server reads it: JSON whatever the Content-Type says (so
 * {@code curl -d}, which sends a form type, works), unknown fields ignored, a literal {@code null}
 * is an empty object; but a field of the wrong type is a 400 that names the field, and so is
 * anything over the {@link InputLimits}.
 */
public final class JsonBody {

  /** Zep's own limit on a request body (5 MiB); the gateway answers 413 above it too. */
  public static final int MAX_BYTES = 5 * 1024 * 1024;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JsonNode node;

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  /**
   * The raw body, read from the servlet stream: never through Spring's message conversion, which
   * would parse the Content-Type (a garbage one is a 500 there) and turn a form-typed body into
   * form parameters.
   */
  public static JsonBody read(HttpServletRequest request) {
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new BadRequestException("could not read the request body: " + e.getMessage());
    }
    if (body.length > MAX_BYTES) {
      throw new BodyTooLargeException(MAX_BYTES);
    }
    return parse(body);
  }

  static JsonBody parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw new BadRequestException("request body is empty, expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequestException(
          "invalid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (node == null || node.isMissingNode() || node instanceof NullNode) {
      return new JsonBody(MAPPER.createObjectNode());
    }
    if (!node.isObject()) {
      throw new BadRequestException("expected a JSON object");
    }
    return new JsonBody(node);
  }

  /** A string field; absent or null gives null. */
  public String string(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw new BadRequestException(field + " must be a string");
    }
    return value.asString();
  }

  /** A text field within {@link InputLimits#text}; absent or null gives null. */
  public String text(String field) {
    return InputLimits.text(field, string(field));
  }

  /** A required id field within {@link InputLimits#id} (absent, null or empty is a 400). */
  public String id(String field) {
    return InputLimits.id(field, string(field));
  }

  /** An optional id field: absent or null gives null; given, it must be a valid id. */
  public String optionalId(String field) {
    String value = string(field);
    if (value == null) {
      return null;
    }
    if (value.isEmpty()) {
      throw new BadRequestException(field + " cannot be empty when given");
    }
    return InputLimits.id(field, value);
  }

  /**
   * An object field as a map (decimals as BigDecimal), within {@link InputLimits#metadata}; absent
   * or null gives null.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> metadata(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new BadRequestException(field + " must be a JSON object");
    }
    return InputLimits.metadata(field, MAPPER.treeToValue(value, Map.class));
  }
}
