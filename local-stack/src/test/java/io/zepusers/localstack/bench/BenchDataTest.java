package io.zepusers.localstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {

  @Test
  void aFinishedRunKeepsOnlyTheStacksLogsBesideItsDirectory(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("zep-throughput-bench1"));
    Path logs = Files.createDirectories(dir.resolve("stack/logs"));
    Files.writeString(logs.resolve("query-service.log"), "started");
    Files.createDirectories(dir.resolve("stack/pg/base"));
    Files.writeString(dir.resolve("stack/pg/base/1"), "data");
    Files.writeString(dir.resolve("ids.txt"), "u1");

    Path kept = BenchData.keepOnlyLogs(dir, logs);

    assertThat(kept).isEqualTo(tmp.resolve("zep-throughput-bench1-logs"));
    assertThat(kept.resolve("query-service.log")).hasContent("started");
    assertThat(dir).doesNotExist();
  }
}
