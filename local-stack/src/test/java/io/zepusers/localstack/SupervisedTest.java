package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The supervisor's loop on real processes ({@code sleep}), with a fast backoff. */
class SupervisedTest {
  private static final Duration FAST = Duration.ofMillis(50);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private Supervised supervised;

  @AfterEach
  void stop() {
    if (supervised != null) {
      supervised.finishClose(Duration.ofSeconds(10));
    }
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void aPartThatIsKilledIsStartedAgainWithAConsoleLineForEach() {
    supervised = supervise((restart, cancelled) -> sleeper());
    supervised.start().join();
    long first = supervised.pid();

    ProcessHandle.of(first).orElseThrow().destroyForcibly();

    await().atMost(Duration.ofSeconds(10)).until(() -> supervised.restarts() == 1);
    assertThat(supervised.pid()).isNotEqualTo(first);
    assertThat(ProcessHandle.of(supervised.pid()).map(ProcessHandle::isAlive)).contains(true);
    assertThat(console())
        .contains("local-stack: sleeper exited (code 137); restarting in 0.05 s (restart 1)")
        .containsPattern("local-stack: sleeper healthy again \\(down [0-9.]+ s\\)");
  }

  @Test
  void failedStartsAreRetriedWithAGrowingDelay() {
    AtomicInteger restarts = new AtomicInteger();
    supervised =
        supervise(
            (restart, cancelled) -> {
              int attempt = restart ? restarts.incrementAndGet() : 0;
              if (attempt == 1) {
                throw new LocalStackException("port 1234 is taken\nlog tail that is not shown");
              }
              if (attempt == 2) {
                throw new IllegalStateException("a library failed");
              }
              return sleeper();
            });
    supervised.start().join();

    ProcessHandle.of(supervised.pid()).orElseThrow().destroyForcibly();

    await().atMost(Duration.ofSeconds(10)).until(() -> supervised.restarts() == 1);
    assertThat(console())
        .contains(
            "sleeper exited (code 137); restarting in 0.05 s (restart 1)",
            "sleeper did not start again (port 1234 is taken); restarting in 0.1 s (restart 2)",
            "sleeper did not start again (java.lang.IllegalStateException: a library failed); restarting in 0.2 s (restart 3)",
            "sleeper healthy again");
    assertThat(console()).doesNotContain("log tail");
  }

  @Test
  void aHeldPartStaysDownUntilResumed() {
    supervised = supervise((restart, cancelled) -> sleeper());
    supervised.start().join();
    long first = supervised.pid();

    supervised.hold(Duration.ofSeconds(10));

    assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThatThrownBy(supervised::pid).isInstanceOf(IllegalStateException.class);
    supervised.resume(Duration.ofSeconds(10));
    long second = supervised.pid();
    assertThat(second).isNotEqualTo(first);
    supervised.resume(Duration.ofSeconds(10));
    assertThat(supervised.pid()).as("starting a running part changes nothing").isEqualTo(second);
    assertThat(supervised.restarts()).as("a stop on request is no crash").isZero();
    assertThat(console())
        .contains(
            "sleeper stopped on request",
            "sleeper starting again on request",
            "sleeper healthy again");
  }

  @Test
  void closingWhileARestartIsUnderWayLeavesNoProcess() throws Exception {
    CompletableFuture<Process> restarting = new CompletableFuture<>();
    supervised =
        supervise(
            (restart, cancelled) -> {
              SleepPart part = sleeper();
              if (!restart) {
                return part;
              }
              restarting.complete(part.process);
              // a part that takes long to become healthy: only the stack stopping ends the wait
              awaitCancelled(cancelled);
              part.stop();
              throw new LocalStackException("stopped while starting sleeper");
            });
    supervised.start().join();
    ProcessHandle.of(supervised.pid()).orElseThrow().destroyForcibly();
    Process halfStarted = restarting.get();

    supervised.finishClose(Duration.ofSeconds(10));

    assertThat(halfStarted.isAlive()).isFalse();
    assertThat(started).noneMatch(Process::isAlive);
  }

  private Supervised supervise(RunningPart.Launcher launcher) {
    return new Supervised(
        "sleeper",
        launcher,
        new Backoff(FAST, Duration.ofSeconds(1), Duration.ofMinutes(1)),
        console);
  }

  private String console() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private SleepPart sleeper() {
    try {
      Process p = new ProcessBuilder("sleep", "600").start();
      started.add(p);
      return new SleepPart(p);
    } catch (IOException e) {
      throw new LocalStackException("cannot start sleep: " + e.getMessage(), e);
    }
  }

  private static void awaitCancelled(BooleanSupplier cancelled) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(cancelled::getAsBoolean);
  }

  private record SleepPart(Process process) implements RunningPart {
    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public CompletableFuture<OptionalInt> exited() {
      return process.onExit().thenApply(p -> OptionalInt.of(p.exitValue()));
    }

    @Override
    public void stop() {
      process.destroy();
      process.onExit().join();
    }
  }
}
