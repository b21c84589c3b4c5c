package io.zepusers.localstack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command line of {@code ./run}: starts the stack, prints where everything is, runs until
 * stopped.
 */
final class LocalStackMain {

  private LocalStackMain() {}

  /**
   * {@code ./run [--clean] [--data-dir=DIR]}: start, print where everything is, then run until
   * terminated.
   */
  public static void main(String[] args) {
    LocalStackConfig cfg;
    try {
      cfg = LocalStackConfig.defaults();
      for (String a : args) {
        if (a.equals("--clean")) {
          cfg = cfg.clean(true);
        } else if (a.startsWith("--data-dir=") && a.length() > "--data-dir=".length()) {
          cfg = cfg.dataDir(Path.of(a.substring("--data-dir=".length())));
        } else if (a.equals("-h") || a.equals("--help")) {
          usage(System.out);
          return;
        } else {
          System.err.println("unknown option: " + a);
          usage(System.err);
          System.exit(2);
          return;
        }
      }
    } catch (LocalStackException e) {
      System.err.println("ERROR: " + e.getMessage());
      System.exit(2);
      return;
    }

    AtomicBoolean stopping = new AtomicBoolean();
    AtomicBoolean mainExits =
        new AtomicBoolean(); // System.exit on main waits for the hook: it must not join main
    Stack stack = LocalStack.prepare(cfg);
    Thread mainThread = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  boolean anything = stack.startedAnything();
                  if (anything) {
                    System.out.println("local-stack: stopping ...");
                  }
                  stack.close();
                  try {
                    // if we were still starting, main notices the close and stops the part it was
                    // starting
                    if (!mainExits.get()) {
                      mainThread.join(60_000);
                    }
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                  if (anything) {
                    System.out.println("local-stack: stopped");
                  }
                },
                "local-stack-shutdown"));

    System.out.println(
        "local-stack: starting (data dir "
            + display(cfg.dataDir())
            + (cfg.clean() ? ", cleaned" : "")
            + ")");
    long t0 = System.nanoTime();
    LocalStack.Running s;
    try {
      s = stack.start();
    } catch (LocalStackException e) {
      if (stopping.get()) {
        return; // terminated while starting; the hook is stopping everything
      }
      System.err.println("ERROR: " + e.getMessage());
      mainExits.set(true);
      System.exit(1);
      return;
    }
    System.out.printf("local-stack: everything ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    System.out.println(
        "Kafka bootstrap servers: " + s.kafkaBootstrapServers() + "   topic: " + s.topic());
    System.out.println("PostgreSQL (commands):   " + s.commandsJdbcUrl());
    System.out.println("PostgreSQL (queries):    " + s.queriesJdbcUrl());
    System.out.println("Logs:                    " + display(s.logsDir()) + "/");
    System.out.println("READY " + s.gatewayUrl());
    System.out.flush();

    try {
      stack.awaitClosed(); // the supervisors keep every part running until Ctrl-C / SIGTERM
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String display(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return abs.startsWith(cwd) && !abs.equals(cwd)
        ? cwd.relativize(abs).toString()
        : abs.toString();
  }

  private static void usage(PrintStream out) {
    out.println("usage: ./run [--no-build] [--clean] [--data-dir=DIR]");
    out.println(
        "  starts PostgreSQL, Kafka, command-service, query-service and the gateway, prints READY once reads");
    out.println(
        "  work through the gateway, and restarts any part that exits (backoff 1 s doubling to 30 s);");
    out.println("  Ctrl-C stops them all");
    out.println("  --clean          delete the data directory's pg/, kafka/, logs/ first");
    out.println("  --data-dir=DIR   where data and logs live (default ./data)");
    out.println(
        "  env: GATEWAY_PORT (8000), KAFKA_PORT (9092), PG_PORT (random), 0 = random free port;");
    out.println(
        "       LOCAL_STACK_START_TIMEOUT (seconds per component, 120), LOCAL_STACK_JAVA_OPTS");
  }
}
