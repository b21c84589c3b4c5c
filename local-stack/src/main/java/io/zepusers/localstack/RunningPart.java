package io.zepusers.localstack;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One started, healthy instance of a part of the stack (PostgreSQL, the broker, a service), as the
 * supervisor sees it.
 */
interface RunningPart {
  long pid();

  /**
   * Completes when the process ends, with its exit code when it was our child (PostgreSQL's server
   * is not).
   */
  CompletableFuture<OptionalInt> exited();

  /**
   * Stops it and waits until it is gone; also releases what a crashed instance still holds (a lock
   * file).
   */
  void stop();

  /**
   * Starts a part and returns once it is healthy; a failure cleans up what it started and throws.
   */
  @FunctionalInterface
  interface Launcher {
    /**
     * @param restart false for the stack's first start of the part
     * @param cancelled true once the stack is stopping: give up waiting and clean up
     */
    RunningPart launch(boolean restart, BooleanSupplier cancelled);
  }
}
