package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackConfigTest {

  @Test
  void twoC2CompilerThreadsAndNoUncommonTrapsUpToThreeCpusAndTheJvmsOwnChoiceAbove() {
    for (int cpus = 1; cpus <= 3; cpus++) {
      assertThat(LocalStackConfig.smallHostJit(cpus))
          .as(cpus + " CPUs")
          .containsExactly("-XX:CICompilerCount=3", "-XX:PerMethodTrapLimit=0");
    }
    assertThat(LocalStackConfig.smallHostJit(4)).isEmpty();
    assertThat(LocalStackConfig.smallHostJit(16)).isEmpty();
  }

  /**
   * The directives the data directory gets are ones this JDK loads: C2 for the crypto provider
   * first, then no C2 for anything else. A file the JVM cannot parse keeps it from starting, which
   * would stop command-service; the test also reads back what the JVM says it loaded, in order.
   */
  @Test
  void commandServiceJitIsLoadedByTheJvm(@TempDir Path dir) throws Exception {
    Layout layout = new Layout(dir);
    layout.create();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(LocalStackConfig.commandServiceJit(layout.commandServiceDirectives()));
    command.addAll(List.of("-XX:+CompilerDirectivesPrint", "-version"));
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(output).isZero();
    assertThat(output).contains("2 compiler directives added");
    int crypto = output.indexOf("matching: com/sun/crypto/provider/*.*");
    int rest = output.indexOf("matching: *.*");
    assertThat(crypto).as(output).isNotNegative().isLessThan(rest);
    assertThat(output.substring(crypto, rest)).contains("c2 directives:").contains("Exclude:false");
    assertThat(output.substring(rest).split("c2 directives:")[1]).contains("Exclude:true");
  }
}
