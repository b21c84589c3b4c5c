package io.zepusers.localstack.bench.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Counts of one kind of finding per phase, with the first few examples to show. */
final class Tally {
  private final long[] perPhase = new long[Ledger.MAX_PHASES];
  private final List<String> examples = new ArrayList<>();

  void add(int phase, String example) {
    perPhase[phase]++;
    if (examples.size() < 5) {
      examples.add(example);
    }
  }

  long in(int phase) {
    return perPhase[phase];
  }

  long total() {
    long t = 0;
    for (long n : perPhase) {
      t += n;
    }
    return t;
  }

  List<String> examples() {
    return examples;
  }

  void clear() {
    Arrays.fill(perPhase, 0);
    examples.clear();
  }
}
