package io.zepusers.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The data directory: {@code pg/} (PostgreSQL cluster), {@code kafka/} (broker), {@code logs/},
 * {@code run/} (pid files, command-service's compiler directives).
 */
record Layout(Path root) {
  Layout {
    root = root.toAbsolutePath().normalize();
  }

  Path pg() {
    return root.resolve("pg");
  }

  Path kafka() {
    return root.resolve("kafka");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path run() {
    return root.resolve("run");
  }

  Path log(String name) {
    return logs().resolve(name + ".log");
  }

  Path pidFile(String name) {
    return run().resolve(name + ".pid");
  }

  /** command-service's compiler directives, written by {@link #create}. */
  Path commandServiceDirectives() {
    return run().resolve(LocalStackConfig.COMMAND_SERVICE_DIRECTIVES);
  }

  void create() {
    try {
      Files.createDirectories(logs());
      Files.createDirectories(run());
      Files.createDirectories(kafka());
      try (InputStream in =
          Layout.class.getResourceAsStream(LocalStackConfig.COMMAND_SERVICE_DIRECTIVES)) {
        Files.copy(
            Objects.requireNonNull(in, LocalStackConfig.COMMAND_SERVICE_DIRECTIVES),
            commandServiceDirectives(),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LocalStackException(
          "cannot create data directory " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes only what the stack itself creates, so a mistyped --data-dir cannot wipe unrelated
   * files.
   */
  void clean() {
    for (Path p : new Path[] {pg(), kafka(), logs(), run()}) {
      deleteRecursively(p);
    }
  }

  static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try {
      Files.walkFileTree(
          p,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new LocalStackException("cannot delete " + p + ": " + e.getMessage(), e);
    }
  }
}
