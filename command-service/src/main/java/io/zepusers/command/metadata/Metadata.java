package io.zepusers.command.metadata;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zep's metadata merge (mergo with override): nested objects merge key by key, arrays and scalars replace, a key
 * set to null is stored as null, keys absent from the patch stay.
 */
public final class Metadata {

  private Metadata() {}

  /** A new map: {@code base} with {@code patch} deep-merged into it. Neither argument is changed. */
  public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
    Map<String, Object> merged = copy(base);
    if (patch == null) {
      return merged;
    }
    patch.forEach(
        (key, value) -> {
          Object current = merged.get(key);
          if (current instanceof Map<?, ?> currentMap && value instanceof Map<?, ?> valueMap) {
            merged.put(key, merge(cast(currentMap), cast(valueMap)));
          } else {
            merged.put(key, value instanceof Map<?, ?> m ? copy(cast(m)) : value);
          }
        });
    return merged;
  }

  /** A deep copy, so that no caller can change state the aggregate holds. */
  public static Map<String, Object> copy(Map<String, Object> source) {
    Map<String, Object> copy = new LinkedHashMap<>();
    if (source != null) {
      source.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? copy(cast(m)) : v));
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
