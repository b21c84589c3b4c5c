package io.zepusers.localstack.bench;

import io.zepusers.localstack.LocalStackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a bench leaves behind in its temporary directory. A run that fails keeps the directory whole
 * (data, logs, any heap dump) to look into; a run that finished keeps only the stack's logs beside
 * it, since a throughput run leaves about 0.5 GB and a million-event rebuild about 4 GB.
 */
public final class BenchData {

  private BenchData() {}

  /**
   * A stack of its own in {@code dataDir}, started clean, with every port chosen free: a bench
   * never meets a running {@code ./run} or another bench.
   */
  public static LocalStackConfig freshStack(Path dataDir) {
    return LocalStackConfig.defaults()
        .dataDir(dataDir)
        .clean(true)
        .gatewayPort(0)
        .kafkaPort(0)
        .postgresPort(0);
  }

  /**
   * Moves {@code logs} (inside {@code dir}) to {@code <dir>-logs} beside it, deletes {@code dir}
   * and everything in it, and returns where the logs are now.
   */
  public static Path keepOnlyLogs(Path dir, Path logs) throws IOException {
    Path kept = dir.resolveSibling(dir.getFileName() + "-logs");
    Files.move(logs, kept);
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
    return kept;
  }
}
