package io.zepusers.command.metadata;

import io.zepusers.api.InputLimits;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Zep's metadata merge (mergo with override): nested objects merge key by key, arrays and scalars
 * replace, a key set to null is stored as null, keys absent from the patch stay.
 */
public final class Metadata {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Metadata() {}

  /**
   * Refuses metadata that would make an event too large for the event store and a Kafka record: the
   * limit holds for what is stored, so a series of small merges cannot grow it past the limit
   * either.
   */
  public static void requireStorableSize(Map<String, Object> metadata, boolean afterMerge) {
    if (metadata != null && !metadata.isEmpty()) {
      InputLimits.metadataSize("metadata", jsonSize(metadata), afterMerge);
    }
  }

  /** Bytes of the compact JSON form, counted as written. */
  static long jsonSize(Map<String, Object> metadata) {
    long[] count = {0};
    JSON.writeValue(
        new OutputStream() {
          @Override
          public void write(int b) {
            count[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            count[0] += len;
          }
        },
        metadata);
    return count[0];
  }

  /**
   * A new map: {@code base} with {@code patch} deep-merged into it. Neither argument is changed.
   */
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
