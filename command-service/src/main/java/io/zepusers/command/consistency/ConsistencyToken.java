package io.zepusers.command.consistency;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a write's events are on the topic: the generation of the topic, and for each of its
 * partitions the offset the projections must have consumed up to (exclusive) to show the write.
 * Sent as {@code X-Consistency-Token: 0:57,2:13} for generation 1 and {@code 2@0:57,2:13} for later
 * ones; an empty token means the write produced no event, or that another instance published it
 * (readers then wait for the topic's end, which includes it).
 */
public record ConsistencyToken(int generation, Map<Integer, Long> nextOffsets) {

  public static final String HEADER = "X-Consistency-Token";

  @Override
  public String toString() {
    if (nextOffsets.isEmpty()) {
      return "";
    }
    String offsets =
        new TreeMap<>(nextOffsets)
            .entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    return generation == 1 ? offsets : generation + "@" + offsets;
  }
}
