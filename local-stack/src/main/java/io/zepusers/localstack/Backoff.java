package io.zepusers.localstack;

import java.time.Duration;

/**
 * Delays between restarts of one part: 1 s, doubling up to 30 s, so a part that cannot start does
 * not eat the machine; back to 1 s once the part stayed up for a minute, so one crash a day is
 * always restarted at once.
 */
final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(30);
  static final Duration STABLE = Duration.ofSeconds(60);

  private final Duration first;
  private final Duration max;
  private final Duration stable;
  private Duration next;

  Backoff() {
    this(FIRST, MAX, STABLE);
  }

  Backoff(Duration first, Duration max, Duration stable) {
    this.first = first;
    this.max = max;
    this.stable = stable;
    this.next = first;
  }

  /**
   * The delay before the next start attempt; the one after it is twice as long, up to the maximum.
   */
  synchronized Duration next() {
    Duration d = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  /**
   * The part was up this long before it exited: long enough, and the next restart is immediate
   * again.
   */
  synchronized void wasUpFor(Duration uptime) {
    if (uptime.compareTo(stable) >= 0) {
      next = first;
    }
  }
}
