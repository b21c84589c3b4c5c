package io.zepusers.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SessionViewTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final Instant t = Instant.parse("2024-01-02T03:04:05.5Z");
  private final UUID uuid = UUID.fromString("0b6f4c1e-2f0a-4b7e-9a51-3c2d1e0f9a88");

  @Test
  void keysComeInZepOrder() {
    assertThat(
            json.writeValueAsString(SessionView.of(uuid, 3, t, t, "s1", Map.of("k", "v"), "alice")))
        .isEqualTo(
            "{\"uuid\":\"0b6f4c1e-2f0a-4b7e-9a51-3c2d1e0f9a88\",\"id\":3,\"created_at\":\"2024-01-02T03:04:05.5Z\","
                + "\"updated_at\":\"2024-01-02T03:04:05.5Z\",\"deleted_at\":null,\"session_id\":\"s1\","
                + "\"metadata\":{\"k\":\"v\"},\"user_id\":\"alice\"}");
  }

  @Test
  void metadataAndUserIdAreAlwaysPresent() {
    assertThat(json.writeValueAsString(SessionView.of(uuid, 3, t, t, "s1", null, null)))
        .endsWith("\"session_id\":\"s1\",\"metadata\":null,\"user_id\":null}");
  }
}
