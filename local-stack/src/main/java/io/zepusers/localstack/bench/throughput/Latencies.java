package io.zepusers.localstack.bench.throughput;

import java.util.Arrays;

/** Latencies of many threads, for a count per second and percentiles. */
final class Latencies {

  private long[] nanos = new long[1 << 16];
  private int size;
  private double seconds;

  synchronized void add(long n) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = n;
  }

  void seconds(double s) {
    seconds = s;
  }

  synchronized int count() {
    return size;
  }

  double perSecond() {
    return count() / seconds;
  }

  synchronized double percentileMillis(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    return sorted[Math.min(size - 1, (int) Math.ceil(p / 100 * size) - 1)] / 1e6;
  }

  double p99Millis() {
    return percentileMillis(99);
  }
}
