package io.zepusers.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast timestamps read and write exactly what java.time (and Jackson's own module) do. */
class TimestampsTest {

  private static final ObjectMapper JAVA_TIME =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();
  private static final ObjectMapper EVENTS = EventJson.newMapper();

  @Test
  void writesWhatInstantToStringWritesAndReadsItBack() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      Instant instant = randomInstant(random);
      String text = Timestamps.format(instant);
      assertThat(text).isEqualTo(instant.toString());
      assertThat(Timestamps.parse(text)).isEqualTo(instant);
      String json = EVENTS.writeValueAsString(instant);
      assertThat(json).isEqualTo(JAVA_TIME.writeValueAsString(instant));
      assertThat(EVENTS.readValue(json, Instant.class)).isEqualTo(instant);
    }
  }

  @Test
  void readsEveryOtherFormAsJavaTimeDoes() throws Exception {
    List<String> accepted =
        List.of(
            "2024-01-01T00:00:00Z",
            "2024-02-29T23:59:59.9Z",
            "2024-06-01T12:00:00.12Z",
            "2024-06-01T12:00:00.1234Z",
            "2024-06-01T12:00:00.12345678Z",
            "0000-01-01T00:00:00Z",
            "+12024-06-01T12:00:00Z",
            "2024-06-01T12:00:00+02:00",
            "2024-06-01T12:00:00.5-01:30",
            "2016-12-31T23:59:60Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00.Z");
    for (String text : accepted) {
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
      assertThat(EVENTS.readValue('"' + text + '"', Instant.class))
          .as(text)
          .isEqualTo(JAVA_TIME.readValue('"' + text + '"', Instant.class));
    }
    assertThat(EVENTS.readValue("1700000000", Instant.class))
        .isEqualTo(JAVA_TIME.readValue("1700000000", Instant.class));

    List<String> refused =
        List.of(
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:00.1234567890Z",
            "2024-01-01 00:00:00Z",
            "2024-01-0100:00:00Z",
            "2024-01-01T00:00:00",
            "２０２４-01-01T00:00:00Z",
            "2024-01-01T00:00:0xZ");
    for (String text : refused) {
      assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> Timestamps.parse(text))
          .as(text)
          .isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> JAVA_TIME.readValue('"' + text + '"', Instant.class))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> EVENTS.readValue('"' + text + '"', Instant.class))
          .as(text)
          .isInstanceOf(IOException.class);
    }
  }

  private static Instant randomInstant(SplittableRandom random) {
    long seconds =
        random.nextInt(4) == 0
            ? random.nextLong(-62_167_219_200L, 253_402_300_800L) // years 0 to 9999
            : random.nextLong(1_600_000_000L, 1_900_000_000L);
    int nano =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(seconds, nano);
  }
}
