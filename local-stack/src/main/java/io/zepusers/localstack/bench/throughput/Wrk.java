package io.zepusers.localstack.bench.throughput;

import io.zepusers.localstack.LocalStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (a C load generator: little CPU of its own on a 2-core box) with one of the scripts in
 * bench/wrk.
 */
final class Wrk {

  private static final Pattern BENCH_LINE =
      Pattern.compile(
          "BENCH requests=(\\d+) duration_us=(\\d+) status_errors=(\\d+) socket_errors=(\\d+) timeouts=(\\d+) "
              + "p50_us=(\\d+) p90_us=(\\d+) p99_us=(\\d+) max_us=(\\d+)");

  private final Path scripts;
  private final Path work;
  private String authorization;
  private LocalStack.Running stack;

  Wrk(Path scripts, Path work) {
    this.scripts = scripts;
    this.work = work;
  }

  /** Also reports the CPU each part of {@code stack} used per request. */
  void measureCpuOf(LocalStack.Running stack) {
    this.stack = stack;
  }

  void authorization(String header) {
    this.authorization = header;
  }

  /**
   * One run: {@code connections} requests in flight for {@code seconds}; {@code args} go to the
   * script's init.
   */
  Result run(String script, String baseUrl, int connections, int seconds, String... args)
      throws IOException, InterruptedException {
    Path combined = work.resolve(script);
    Files.writeString(
        combined,
        Files.readString(scripts.resolve("common.lua"))
            + "\n"
            + Files.readString(scripts.resolve(script)),
        StandardCharsets.UTF_8);
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t",
                Integer.toString(Math.min(2, connections)),
                "-c",
                Integer.toString(connections),
                "-d",
                seconds + "s",
                "--timeout",
                "10s",
                "-s",
                combined.toString()));
    if (authorization != null) {
      command.addAll(List.of("-H", "Authorization: " + authorization));
    }
    command.add(baseUrl);
    command.add("--");
    command.addAll(List.of(args));
    Map<String, Double> cpuBefore = stack == null ? null : CpuUse.snapshot(stack);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed (" + p.exitValue() + "): " + out);
    }
    Matcher m = BENCH_LINE.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("wrk printed no BENCH line: " + out);
    }
    Result r =
        new Result(
            Long.parseLong(m.group(1)),
            Long.parseLong(m.group(2)),
            Long.parseLong(m.group(3)) + Long.parseLong(m.group(4)) + Long.parseLong(m.group(5)),
            Long.parseLong(m.group(6)),
            Long.parseLong(m.group(8)),
            Long.parseLong(m.group(9)));
    System.out.printf(
        Locale.ROOT,
        "  %-10s %-40s c=%-3d %,8.0f/s  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  errors %d%n",
        script,
        baseUrl + " " + String.join(" ", args).replaceAll("\\S*/(\\S+)", "$1"),
        connections,
        r.perSecond(),
        r.p50Millis(),
        r.p99Millis(),
        r.maxMicros() / 1000.0,
        r.errors());
    if (cpuBefore != null) {
      System.out.println(
          "             CPU ms per request: "
              + CpuUse.perRequest(cpuBefore, CpuUse.snapshot(stack), r.requests()));
    }
    return r;
  }

  /** What wrk measured; errors are non-2xx/3xx answers, socket errors and timeouts together. */
  record Result(
      long requests,
      long durationMicros,
      long errors,
      long p50Micros,
      long p99Micros,
      long maxMicros) {
    double perSecond() {
      return requests * 1e6 / durationMicros;
    }

    double p50Millis() {
      return p50Micros / 1000.0;
    }

    double p99Millis() {
      return p99Micros / 1000.0;
    }
  }
}
