package io.zepusers.command.consistency;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a write's events are on the topic: for each partition, the offset the projections must have consumed up to
 * (exclusive) to show the write. Sent as {@code X-Consistency-Token: 0:57,2:13}; an empty token means the write
 * produced no event.
 */
public record ConsistencyToken(Map<Integer, Long> nextOffsets) {

  public static final String HEADER = "X-Consistency-Token";

  @Override
  public String toString() {
    return new TreeMap<>(nextOffsets).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
  }
}
