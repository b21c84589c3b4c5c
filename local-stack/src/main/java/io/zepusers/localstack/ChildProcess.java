package io.zepusers.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One child JVM of the stack: its command line, its log file, a pid file (so a later start on the
 * same data directory can end a child that an abruptly killed parent left behind), readiness
 * polling and shutdown.
 */
final class ChildProcess implements RunningPart {
  /**
   * Every child gets this system property; it marks the process as ours when a pid file is found
   * later.
   */
  static final String MARKER_PROPERTY = "zep.localstack.dir";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path logFile;
  private final Path pidFile;
  private final Process process;
  private final Duration grace;

  private ChildProcess(String name, Path logFile, Path pidFile, Process process, Duration grace) {
    this.name = name;
    this.logFile = logFile;
    this.pidFile = pidFile;
    this.process = process;
    this.grace = grace;
  }

  /**
   * Starts {@code java <jvmArgs> <mainArgs>}, stdout and stderr to {@code logs/<name>.log}. A first
   * start keeps the previous run's log as .log.1; a restart appends, so the crashed instance's last
   * lines stay next to the new ones. {@link #stop()} waits {@code grace} after SIGTERM before it
   * kills. The child inherits this process's environment; {@code env} adds the variables it does
   * not set, so a caller's own value wins.
   */
  static ChildProcess startJava(
      String name,
      Layout layout,
      List<String> jvmArgs,
      List<String> mainArgs,
      Map<String, String> env,
      boolean restart,
      Duration grace) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.add("-D" + MARKER_PROPERTY + "=" + layout.root());
    cmd.addAll(jvmArgs);
    cmd.addAll(mainArgs);
    Path log = layout.log(name);
    try {
      if (restart) {
        Files.writeString(
            log,
            "---- local-stack: restarting " + name + " at " + Instant.now() + " ----\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } else if (Files.exists(log)) {
        Files.move(
            log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      }
      ProcessBuilder builder =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      env.forEach(builder.environment()::putIfAbsent);
      Process p = builder.start();
      Path pid = layout.pidFile(name);
      Files.writeString(pid, Long.toString(p.pid()));
      return new ChildProcess(name, log, pid, p, grace);
    } catch (IOException e) {
      throw new LocalStackException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs a short-lived java tool to completion, appending its output to the log; fails when it
   * exits non-zero.
   */
  static void runJava(String name, Layout layout, List<String> args, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(args);
    Path log = layout.log(name);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw failure(name + " did not finish within " + timeout.toSeconds() + " s", log);
      }
      if (p.exitValue() != 0) {
        throw failure(name + " failed with exit code " + p.exitValue(), log);
      }
    } catch (IOException e) {
      throw new LocalStackException("cannot run " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackException("interrupted while running " + name, e);
    }
  }

  /** Ends a child that a previous, abruptly killed run on the same data directory left running. */
  static void endLeftover(String name, Layout layout) {
    Path pid = layout.pidFile(name);
    readPid(pid)
        .flatMap(ProcessHandle::of)
        .filter(
            h -> h.info().commandLine().orElse("").contains(MARKER_PROPERTY + "=" + layout.root()))
        .ifPresent(
            h -> {
              System.err.println(
                  "local-stack: stopping "
                      + name
                      + " (pid "
                      + h.pid()
                      + ") left over from an earlier run");
              stop(h, Duration.ofSeconds(20));
            });
    try {
      Files.deleteIfExists(pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<Long> readPid(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(file).stream().findFirst().orElse("").trim();
      return Optional.of(Long.parseLong(first));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Polls {@code ready} until it holds; fails fast when the process exits or {@code cancelled}
   * holds (the stack is stopping), or after {@code timeout}.
   */
  void awaitReady(String what, BooleanSupplier ready, Duration timeout, BooleanSupplier cancelled) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw failure(
            name + " exited with code " + process.exitValue() + " before it was ready", logFile);
      }
      if (cancelled.getAsBoolean()) {
        throw new LocalStackException("stopped while starting " + name);
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw failure(
            name + " not ready (" + what + ") within " + timeout.toSeconds() + " s", logFile);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalStackException("interrupted while waiting for " + name, e);
      }
    }
  }

  static boolean httpOk(String url) {
    return httpStatus(url) == 200;
  }

  /** The status a GET of {@code url} answers, or -1 when it cannot be reached. */
  static int httpStatus(String url) {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public CompletableFuture<OptionalInt> exited() {
    return process.onExit().thenApply(p -> OptionalInt.of(p.exitValue()));
  }

  /** SIGTERM, wait up to the grace period, then SIGKILL. */
  @Override
  public void stop() {
    stop(process.toHandle(), grace);
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // a stale pid file is checked against the command line before it is acted on
    }
  }

  private static void stop(ProcessHandle h, Duration grace) {
    if (!h.isAlive()) {
      return;
    }
    h.destroy();
    try {
      h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // nothing more we can do
      }
    }
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  Process process() {
    return process;
  }

  static LocalStackException failure(String headline, Path log) {
    return new LocalStackException(headline + "; log: " + log + "\n" + tail(log, 30));
  }

  static String tail(Path log, int lines) {
    try {
      if (!Files.exists(log)) {
        return "  (no log written)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      StringBuilder sb =
          new StringBuilder("---- last " + last.size() + " lines of " + log + " ----\n");
      last.forEach(l -> sb.append("  ").append(l).append('\n'));
      return sb.toString();
    } catch (IOException | UncheckedIOException e) {
      return "  (cannot read log: " + e.getMessage() + ")";
    }
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
