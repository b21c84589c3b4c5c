package io.zepusers.query.json;

import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Metadata to and from its jsonb text; decimals stay exact ({@code 1.10} stays {@code 1.10}). */
@Component
public class MetadataJson {

  private final JsonMapper mapper =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  public String write(Map<String, Object> metadata) {
    return mapper.writeValueAsString(metadata);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> read(String json) {
    return json == null ? null : mapper.readValue(json, Map.class);
  }
}
