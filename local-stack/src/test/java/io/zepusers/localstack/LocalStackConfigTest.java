package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
