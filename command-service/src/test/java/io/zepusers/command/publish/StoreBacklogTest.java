package io.zepusers.command.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoreBacklogTest {

  private static final String CUTOFF = "2026-11-23T12:00:00";

  @Test
  void aRowIsOldOnlyWhenItsSecondIsBeforeTheCutoff() {
    assertThat(StoreBacklog.olderThan("2024-01-01T00:00:00Z", CUTOFF)).isTrue();
    assertThat(StoreBacklog.olderThan("2026-11-23T11:59:59.999999999Z", CUTOFF)).isTrue();
    // the cutoff's own second is not before it, whatever the fraction
    assertThat(StoreBacklog.olderThan("2026-11-23T12:00:00Z", CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("2026-11-23T12:00:00.001Z", CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("2026-11-23T12:00:01Z", CUTOFF)).isFalse();
  }

  @Test
  void aTimestampItCannotReadIsLeftToAxonsEngine() {
    assertThat(StoreBacklog.olderThan(null, CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("", CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("2024-01-01T00:00:00", CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("2024-01-01 00:00:00Z", CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("+12024-01-01T00:00:00Z", CUTOFF)).isFalse();
    assertThat(StoreBacklog.olderThan("2024-01-01T00:00:00+01:00", CUTOFF)).isFalse();
  }
}
