package io.zepusers.localstack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One part of the stack under supervision. A single thread owns the part: it starts it, waits for
 * its process to end, and starts it again (same port, same data, see {@link RunningPart.Launcher})
 * after a {@link Backoff} delay, printing one console line per event. Every start and stop of the
 * part's process happens on that thread, so a stop of the stack while a restart is under way cannot
 * leave a process behind: {@link #beginClose()} cancels the restart, and {@link #finishClose()}
 * stops whatever instance the thread holds once it has finished.
 */
final class Supervised {
  private static final Object WAKE = new Object();

  private record Exited(RunningPart instance, OptionalInt code) {}

  private final String name;
  private final RunningPart.Launcher launcher;
  private final Backoff backoff;
  private final PrintStream console;
  private final Thread thread;
  private final BlockingQueue<Object> mailbox = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final AtomicInteger restarts = new AtomicInteger();

  private volatile boolean closing;
  private volatile boolean held;
  private volatile RunningPart current;
  private volatile CompletableFuture<Void> heldAck = CompletableFuture.completedFuture(null);
  private volatile CompletableFuture<Void> resumedAck = CompletableFuture.completedFuture(null);
  private volatile boolean resumeRequested;

  // owned by the thread
  private int attempts;
  private long upSince;
  private long downSince;

  Supervised(String name, RunningPart.Launcher launcher, Backoff backoff, PrintStream console) {
    this.name = name;
    this.launcher = launcher;
    this.backoff = backoff;
    this.console = console;
    this.thread = new Thread(this::run, "supervise-" + name);
    // a caller that forgets close() must not keep its JVM alive; ./run stops parts from its
    // shutdown hook
    this.thread.setDaemon(true);
  }

  /**
   * Starts the part in the background; the future completes when it is first healthy, or fails (no
   * retry then).
   */
  CompletableFuture<Void> start() {
    thread.start();
    return started;
  }

  String name() {
    return name;
  }

  /** The current process id. */
  long pid() {
    RunningPart c = current;
    if (c == null) {
      throw new IllegalStateException(name + " is not running right now");
    }
    return c.pid();
  }

  /** How often the part was brought back after it exited on its own. */
  int restarts() {
    return restarts.get();
  }

  /**
   * Stops the part (gracefully) and keeps it stopped until {@link #resume}; returns once it is
   * down.
   */
  void hold(Duration timeout) {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    heldAck = ack;
    held = true;
    mailbox.offer(WAKE);
    await(ack, timeout, "stop " + name);
  }

  /**
   * Starts a part stopped by {@link #hold} again, on the same port and data; returns once it is
   * healthy (at once if it runs).
   */
  void resume(Duration timeout) {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    resumedAck = ack;
    resumeRequested = true;
    held = false;
    mailbox.offer(WAKE);
    await(ack, timeout, "start " + name);
  }

  /**
   * No more restarts from now on; a start under way gives up. The process itself is left to {@link
   * #finishClose()}.
   */
  void beginClose() {
    closing = true;
    mailbox.offer(WAKE);
  }

  /** Waits for the supervising thread to finish, then stops the part. */
  void finishClose(Duration bound) {
    beginClose();
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      console.println(
          "local-stack: "
              + name
              + " is still starting after "
              + bound.toSeconds()
              + " s; stopping what runs of it");
    }
    RunningPart c = current;
    current = null;
    if (c != null) {
      c.stop();
    }
  }

  private boolean cancelled() {
    return closing;
  }

  private void run() {
    try {
      RunningPart first = launcher.launch(false, this::cancelled);
      current = first;
      upSince = System.nanoTime();
      watch(first);
      started.complete(null);
      supervise(first);
    } catch (RuntimeException | Error e) {
      if (!started.completeExceptionally(e) && !closing) {
        console.println("local-stack: supervising " + name + " failed: " + e);
      }
    } finally {
      heldAck.complete(null);
      resumedAck.completeExceptionally(new LocalStackException("the stack is stopping"));
    }
  }

  private void supervise(RunningPart first) {
    RunningPart inst = first;
    String why = null;
    while (!closing) {
      if (inst != null && resumeRequested) {
        resumeRequested = false; // a start of a part that runs: nothing to do
        resumedAck.complete(null);
      }
      if (held) {
        if (inst != null) {
          current = null;
          inst.stop();
          inst = null;
          downSince = System.nanoTime();
          console.println("local-stack: " + name + " stopped on request");
        }
        heldAck.complete(null);
        next(Duration.ofDays(1));
        continue;
      }
      if (inst == null) {
        inst = bringBack(why);
        continue;
      }
      Object m = next(Duration.ofDays(1));
      if (m instanceof Exited e && e.instance() == inst) {
        current = null;
        // nothing left to stop, but PostgreSQL's lock on its data directory must be let go
        inst.stop();
        inst = null;
        downSince = System.nanoTime();
        backoff.wasUpFor(Duration.ofNanos(downSince - upSince));
        why =
            "exited" + e.code().stream().mapToObj(c -> " (code " + c + ")").findFirst().orElse("");
      }
    }
  }

  /**
   * Starts the part again until it is healthy; null when the stack began stopping or the part is
   * held meanwhile.
   */
  private RunningPart bringBack(String why) {
    String reason = why;
    while (!closing && !held) {
      boolean onRequest = resumeRequested;
      resumeRequested = false;
      if (onRequest) {
        console.println("local-stack: " + name + " starting again on request");
      } else {
        attempts++;
        Duration delay = backoff.next();
        console.println(
            "local-stack: "
                + name
                + " "
                + reason
                + "; restarting in "
                + seconds(delay)
                + " (restart "
                + attempts
                + ")");
        if (!pause(delay)) {
          return null;
        }
      }
      try {
        RunningPart inst = launcher.launch(true, this::cancelled);
        current = inst; // from here on finishClose() stops it, whatever happens next on this thread
        upSince = System.nanoTime();
        watch(inst);
        if (!onRequest) {
          restarts.incrementAndGet();
        }
        console.printf(
            "local-stack: %s healthy again (down %.1f s)%n", name, (upSince - downSince) / 1e9);
        resumedAck.complete(null);
        return inst;
      } catch (RuntimeException e) {
        // any failure, not only ours (a client library's): the part stays supervised
        if (closing) {
          return null;
        }
        reason =
            "did not start again ("
                + firstLine(e instanceof LocalStackException ? e.getMessage() : e.toString())
                + ")";
      }
    }
    return null;
  }

  private void watch(RunningPart inst) {
    inst.exited().thenAccept(code -> mailbox.offer(new Exited(inst, code)));
  }

  /** Waits {@code d} unless the stack stops or the part is held first; false then. */
  private boolean pause(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (!closing && !held) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      poll(left);
    }
    return false;
  }

  private Object next(Duration max) {
    return poll(max.toNanos());
  }

  private Object poll(long nanos) {
    try {
      return mailbox.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      // nobody interrupts this thread but a JVM going down: stop supervising
      closing = true;
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no reason given";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void await(CompletableFuture<Void> f, Duration timeout, String what) {
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new LocalStackException(
          "cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new LocalStackException("cannot " + what + " within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalStackException("interrupted while waiting to " + what, e);
    }
  }
}
