package io.zepusers.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class UserViewTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final UUID uuid = UUID.fromString("6f0c2a52-7d5e-4a8e-9d43-0b8f3c1f2e11");
  private final Instant t = Instant.parse("2024-01-02T03:04:05.123456789Z");

  @Test
  void keysComeInZepOrderWithDeletedAtAlwaysNull() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("k", "v");
    String body =
        json.writeValueAsString(UserView.of(uuid, 7, t, t, "alice", "a@x.io", "A", "L", metadata));
    assertThat(body)
        .isEqualTo(
            "{\"uuid\":\"6f0c2a52-7d5e-4a8e-9d43-0b8f3c1f2e11\",\"id\":7,\"created_at\":\"2024-01-02T03:04:05.123456Z\","
                + "\"updated_at\":\"2024-01-02T03:04:05.123456Z\",\"deleted_at\":null,\"user_id\":\"alice\","
                + "\"email\":\"a@x.io\",\"first_name\":\"A\",\"last_name\":\"L\",\"metadata\":{\"k\":\"v\"}}");
  }

  @Test
  void emptyFieldsAndEmptyMetadataAreOmitted() {
    String body =
        json.writeValueAsString(UserView.of(uuid, 1, t, t, "bob", "", null, null, Map.of()));
    assertThat(body)
        .doesNotContain("email", "first_name", "last_name", "metadata")
        .contains("\"deleted_at\":null");
  }

  @Test
  void timestampsTrimTrailingZerosLikeGo() {
    assertThat(ZepTime.format(Instant.parse("2024-01-02T03:04:05Z")))
        .isEqualTo("2024-01-02T03:04:05Z");
    assertThat(ZepTime.format(Instant.parse("2024-01-02T03:04:05.100Z")))
        .isEqualTo("2024-01-02T03:04:05.1Z");
    assertThat(ZepTime.format(Instant.parse("2024-01-02T03:04:05.000120Z")))
        .isEqualTo("2024-01-02T03:04:05.00012Z");
    assertThat(ZepTime.format(Instant.parse("2024-01-02T03:04:05.999999999Z")))
        .isEqualTo("2024-01-02T03:04:05.999999Z");
  }
}
