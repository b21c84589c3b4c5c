package io.zepusers.command.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The merge rules Zep clients rely on (Zep uses mergo with override; shared/reference/zep-api.md
 * §1.4).
 */
class MetadataTest {

  @Test
  void nestedObjectsMergeKeyByKey() {
    assertThat(
            Metadata.merge(
                Map.of("a", Map.of("b", 1, "c", 2)), Map.of("a", Map.of("c", 3, "d", 4))))
        .isEqualTo(Map.of("a", Map.of("b", 1, "c", 3, "d", 4)));
  }

  @Test
  void arraysAndScalarsReplace() {
    assertThat(Metadata.merge(Map.of("l", List.of(1, 2), "s", "x"), Map.of("l", List.of(), "s", 0)))
        .isEqualTo(Map.of("l", List.of(), "s", 0));
  }

  @Test
  void nullIsStoredAndAbsentKeysStay() {
    Map<String, Object> patch = new HashMap<>();
    patch.put("gone", null);
    Map<String, Object> merged = Metadata.merge(Map.of("gone", 1, "kept", 2), patch);
    assertThat(merged).containsEntry("kept", 2).containsKey("gone");
    assertThat(merged.get("gone")).isNull();
  }

  @Test
  void typeChangesReplace() {
    assertThat(Metadata.merge(Map.of("a", Map.of("b", 1)), Map.of("a", "flat")))
        .isEqualTo(Map.of("a", "flat"));
    assertThat(Metadata.merge(Map.of("a", "flat"), Map.of("a", Map.of("b", 1))))
        .isEqualTo(Map.of("a", Map.of("b", 1)));
  }

  @Test
  void nothingStoredTakesThePatchAndInputsAreNotChanged() {
    Map<String, Object> base = new HashMap<>(Map.of("a", new HashMap<>(Map.of("b", 1))));
    Map<String, Object> merged = Metadata.merge(base, Map.of("a", Map.of("c", 2)));
    assertThat(base).isEqualTo(Map.of("a", Map.of("b", 1)));
    assertThat(merged).isEqualTo(Map.of("a", Map.of("b", 1, "c", 2)));
    assertThat(Metadata.merge(null, Map.of("x", 1))).isEqualTo(Map.of("x", 1));
  }
}
