package io.zepusers.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON form of events, used for the event store and for Kafka. Timestamps are RFC 3339
 * strings; decimals stay {@link java.math.BigDecimal} so metadata such as {@code 1.10} round-trips
 * unchanged.
 */
public final class EventJson {

  private static final ObjectMapper MAPPER = newMapper();

  private EventJson() {}

  /** A new mapper with the event settings, for frameworks that want their own instance. */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(Timestamps.jacksonModule()) // the same form, read and written faster
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(
            DeserializationFeature
                .FAIL_ON_UNKNOWN_PROPERTIES) // additive changes must not break old readers
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES) // trees keep 1.10 as 1.10 too
        .build();
  }

  public static byte[] toBytes(ZepEvent event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + event.getClass().getSimpleName(), e);
    }
  }

  public static <T extends ZepEvent> T fromBytes(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + type.getSimpleName(), e);
    }
  }
}
