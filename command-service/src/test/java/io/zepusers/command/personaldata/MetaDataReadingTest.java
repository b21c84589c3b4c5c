package io.zepusers.command.personaldata;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.EventJson;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/**
 * Stored metadata reads back as Axon's own serializer reads it, value for value and type for type.
 */
class MetaDataReadingTest {

  private final JacksonSerializer axon =
      JacksonSerializer.builder().objectMapper(EventJson.newMapper()).build();
  private final PersonalDataProtectingSerializer ours =
      new PersonalDataProtectingSerializer(axon, null);

  @Test
  void readsWhatAxonReads() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", List.of(1, "two", 3.5, true));
    nested.put("none", null);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("zep.correlationId", "c0ffee");
    values.put("zep.actor", "ops@example.com");
    values.put("traceId", "7a1e0d7e-0000-4000-8000-000000000000");
    values.put("int", 42);
    values.put("long", 12_345_678_901L);
    values.put("decimal", new BigDecimal("1.10"));
    values.put("flag", false);
    values.put("nothing", null);
    values.put("nested", nested);
    for (MetaData metaData :
        Arrays.asList(MetaData.emptyInstance(), MetaData.from(values), MetaData.with("k", "v"))) {
      SerializedObject<byte[]> stored = ours.serialize(metaData, byte[].class);
      MetaData read = ours.deserialize(stored);
      MetaData expected = axon.deserialize(stored);
      assertThat(read).isEqualTo(expected);
      expected.forEach(
          (key, value) ->
              assertThat(read.get(key) == null ? null : read.get(key).getClass())
                  .as(key)
                  .isEqualTo(value == null ? null : value.getClass()));
    }
  }
}
