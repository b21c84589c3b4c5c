package io.zepusers.localstack.bench.throughput;

import io.zepusers.localstack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time each part of the stack used (user + system, from /proc), so that a figure can say what
 * one request cost where. PostgreSQL counts its postmaster and every backend; wrk and this JVM are
 * the load generator.
 */
final class CpuUse {

  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux
  static final List<String> PARTS =
      List.of(
          LocalStack.GATEWAY,
          LocalStack.COMMAND_SERVICE,
          LocalStack.QUERY_SERVICE,
          LocalStack.POSTGRES,
          LocalStack.KAFKA);

  private CpuUse() {}

  /** CPU seconds used so far by each part. */
  static Map<String, Double> snapshot(LocalStack.Running stack) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String part : PARTS) {
      try {
        long pid = stack.pid(part);
        double s = ticks(pid);
        if (part.equals(LocalStack.POSTGRES)) {
          for (long child :
              ProcessHandle.of(pid)
                  .map(p -> p.children().map(ProcessHandle::pid).toList())
                  .orElse(List.of())) {
            s += ticks(child);
          }
        }
        seconds.put(part, s / TICKS_PER_SECOND);
      } catch (RuntimeException | IOException e) {
        seconds.put(part, Double.NaN);
      }
    }
    return seconds;
  }

  /**
   * "gateway 0.41, command-service 3.20, ..." milliseconds of CPU per request between two
   * snapshots.
   */
  static String perRequest(Map<String, Double> before, Map<String, Double> after, long requests) {
    return before.keySet().stream()
        .map(
            part ->
                String.format(
                    Locale.ROOT,
                    "%s %.2f",
                    part,
                    (after.get(part) - before.get(part)) * 1000 / Math.max(1, requests)))
        .collect(Collectors.joining(", "));
  }

  /** utime + stime of a process, all its threads together (fields 14 and 15 of /proc/pid/stat). */
  private static double ticks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after the command: state(0) ppid(1) ... utime(11) stime(12)
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
