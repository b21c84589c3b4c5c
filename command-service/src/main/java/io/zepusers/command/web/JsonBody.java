package io.zepusers.command.web;

import io.zepusers.web.BadRequestException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A request body read the way Zep's Go server reads it: any content type, unknown fields ignored, a literal
 * {@code null} is an empty object; but a field of the wrong type is a 400 that names the field.
 */
public final class JsonBody {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JsonNode node;

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  public static JsonBody parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw new BadRequestException("request body is empty, expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequestException("invalid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
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

  /** An object field as a map (decimals as BigDecimal); absent or null gives null. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> object(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new BadRequestException(field + " must be a JSON object");
    }
    return MAPPER.treeToValue(value, Map.class);
  }
}
