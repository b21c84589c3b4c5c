package io.zepusers.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a write's events are on the topic, as the write answers it and a read sends it back in
 * {@code X-Consistency-Token}: the generation of the topic, and for each of its partitions the
 * offset the projections must have consumed up to (exclusive) to show the write. Written {@code
 * 0:57,2:13} for generation 1 and {@code 2@0:57,2:13} for later ones. A write with no offsets (it
 * produced no event, or another instance published it) answers no token; readers then wait for the
 * topic's end, which includes it.
 */
public record ConsistencyToken(int generation, Map<Integer, Long> nextOffsets) {

  public static final String HEADER = "X-Consistency-Token";

  public ConsistencyToken {
    nextOffsets = Map.copyOf(nextOffsets);
  }

  /** The header's form; empty when there are no offsets. */
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

  /**
   * Reads a token as a caller sent it back; a partition named twice counts with its larger offset.
   *
   * @throws InvalidInputException when it is not a token's form
   */
  public static ConsistencyToken parse(String token) {
    Map<Integer, Long> targets = new TreeMap<>();
    int generation = 1;
    try {
      String offsets = token.trim();
      int at = offsets.indexOf('@');
      if (at >= 0) {
        generation = Integer.parseInt(offsets.substring(0, at).trim());
        offsets = offsets.substring(at + 1);
        if (generation < 1) {
          throw new NumberFormatException(token);
        }
      }
      for (String part : offsets.split(",")) {
        String[] kv = part.trim().split(":");
        if (kv.length != 2) {
          throw new NumberFormatException(part);
        }
        int partition = Integer.parseInt(kv[0].trim());
        long offset = Long.parseLong(kv[1].trim());
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException(part);
        }
        targets.merge(partition, offset, Math::max);
      }
    } catch (NumberFormatException e) {
      throw new InvalidInputException(HEADER + " must look like 0:57,2:13 or 2@0:57,2:13");
    }
    return new ConsistencyToken(generation, targets);
  }
}
