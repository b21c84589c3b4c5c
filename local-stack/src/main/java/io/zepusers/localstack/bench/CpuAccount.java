package io.zepusers.localstack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CPU time used by the bench's JVM and every process under it, by part (command-service,
 * query-service, gateway, kafka, and PostgreSQL, whose server runs detached: its postmaster and
 * backends): on a machine that is full, what each part costs per event says more than a rate, which
 * moves with whatever else the machine runs. A process that ends between two readings loses its
 * share (PostgreSQL's pooled backends live for the whole run).
 */
final class CpuAccount {

  private final Path postmasterPid;
  private final Map<String, Duration> start;

  private CpuAccount(Path postmasterPid) {
    this.postmasterPid = postmasterPid;
    this.start = now();
  }

  /**
   * @param postmasterPid the cluster's {@code postmaster.pid} file
   */
  static CpuAccount begin(Path postmasterPid) {
    return new CpuAccount(postmasterPid);
  }

  /**
   * One line: milliseconds of CPU per 1,000 events, per part and in all, since {@link
   * #begin(Path)}.
   */
  String perThousand(long events) {
    Map<String, Duration> end = now();
    StringBuilder line = new StringBuilder("CPU ms per 1,000 events:");
    double total = 0;
    for (Map.Entry<String, Duration> part : end.entrySet()) {
      if (part.getKey().endsWith(JIT) || part.getKey().endsWith(GC)) {
        continue;
      }
      double ms = perThousand(part.getKey(), end, events);
      total += ms;
      line.append(String.format(" %s %.0f", part.getKey(), ms));
      if (end.containsKey(part.getKey() + JIT)) {
        line.append(
            String.format(
                " (JIT %.0f, GC %.0f)",
                perThousand(part.getKey() + JIT, end, events),
                perThousand(part.getKey() + GC, end, events)));
      }
      line.append(',');
    }
    return line.append(String.format(" all %.0f", total)).toString();
  }

  private double perThousand(String part, Map<String, Duration> end, long events) {
    return end.get(part).minus(start.getOrDefault(part, Duration.ZERO)).toNanos()
        / 1e6
        / events
        * 1000;
  }

  private Map<String, Duration> now() {
    Map<String, Duration> parts = new TreeMap<>();
    ProcessHandle self = ProcessHandle.current();
    self.info().totalCpuDuration().ifPresent(cpu -> parts.put("bench", cpu));
    self.descendants()
        .forEach(
            p -> {
              String part = part(p.info());
              p.info().totalCpuDuration().ifPresent(cpu -> parts.merge(part, cpu, Duration::plus));
              parts.merge(part + JIT, threads(p, COMPILER_THREADS), Duration::plus);
              parts.merge(part + GC, threads(p, GC_THREADS), Duration::plus);
            });
    postmaster()
        .ifPresent(
            pg ->
                Stream.concat(Stream.of(pg), pg.descendants())
                    .forEach(
                        p ->
                            p.info()
                                .totalCpuDuration()
                                .ifPresent(
                                    cpu -> parts.merge(postgresPart(p), cpu, Duration::plus))));
    return parts;
  }

  private Optional<ProcessHandle> postmaster() {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * A JVM's JIT compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}, as Linux names
   * them): compiling the code a rebuild newly runs can cost as much as running it.
   */
  private static final Pattern COMPILER_THREADS = Pattern.compile("C[12] CompilerThre.*");

  /**
   * A JVM's garbage collector threads: the parallel workers of every collector ({@code GC
   * Thread#0}), G1's concurrent ones ({@code G1 Refine#0}, {@code G1 Conc#0}, {@code G1 Main
   * Marker}, {@code G1 Service}), and the {@code VM Thread}, where the serial collector collects
   * and every collector's pauses are run.
   */
  private static final Pattern GC_THREADS = Pattern.compile("GC Thread.*|G1 .*|VM Thread");

  /** The CPU of a JVM's threads whose Linux names match {@code names}, a part of its whole. */
  private static Duration threads(ProcessHandle p, Pattern names) {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (!names.matcher(stat.substring(open + 1, close)).matches()) {
            continue;
          }
          String[] fields = stat.substring(close + 2).split(" ");
          // after the name: state is field 3 of stat(5), utime 14 and stime 15
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      }
    } catch (IOException | RuntimeException e) {
      return Duration.ZERO; // the process ended, or not Linux
    }
    return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS);
  }

  /** Linux's USER_HZ, the unit of {@code /proc} CPU times, on every architecture it runs on. */
  private static final long CLOCK_TICKS = 100;

  private static final String JIT = "(jit)";
  private static final String GC = "(gc)";

  /**
   * A backend by the database it serves ({@code postgres: postgres queries 127.0.0.1(5000) idle},
   * as PostgreSQL titles its processes), the postmaster and its helpers (WAL writer, checkpointer,
   * autovacuum) as {@code postgres}.
   */
  private static String postgresPart(ProcessHandle p) {
    String title;
    try {
      title =
          Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      title = ""; // gone, or not Linux
    }
    Matcher backend = BACKEND.matcher(title);
    return backend.find() ? "postgres(" + backend.group(1) + ")" : "postgres";
  }

  private static final Pattern BACKEND = Pattern.compile("postgres: \\S+ (\\S+) \\d");

  /**
   * A service by its jar ({@code -jar .../command-service-0.1.0-SNAPSHOT-exec.jar}), the broker by
   * its main class.
   */
  private static String part(ProcessHandle.Info info) {
    List<String> args = Arrays.asList(info.arguments().orElse(new String[0]));
    int jar = args.indexOf("-jar");
    if (jar >= 0 && jar + 1 < args.size()) {
      return Path.of(args.get(jar + 1)).getFileName().toString().replaceFirst("-\\d.*$", "");
    }
    return args.contains("kafka.Kafka") ? "kafka" : "other";
  }
}
