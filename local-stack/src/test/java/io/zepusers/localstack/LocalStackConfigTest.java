package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalStackConfigTest {

  @Test
  void twoC2CompilerThreadsUpToThreeCpusAndTheJvmsOwnChoiceAbove() {
    assertThat(LocalStackConfig.compilerThreads(1)).containsExactly("-XX:CICompilerCount=3");
    assertThat(LocalStackConfig.compilerThreads(2)).containsExactly("-XX:CICompilerCount=3");
    assertThat(LocalStackConfig.compilerThreads(3)).containsExactly("-XX:CICompilerCount=3");
    assertThat(LocalStackConfig.compilerThreads(4)).isEmpty();
    assertThat(LocalStackConfig.compilerThreads(16)).isEmpty();
  }
}
