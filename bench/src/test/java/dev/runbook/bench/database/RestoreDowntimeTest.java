package dev.runbook.bench.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.bench.Measure.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestoreDowntimeTest {
  @AfterEach
  void clear() {
    System.clearProperty(RestoreDowntime.RUNS_PROPERTY);
  }

  @Test
  void runsPerSizeDefaultToTheModeAndCanBeSetPerSize() {
    assertThat(RestoreDowntime.runsPerSize(Mode.QUICK, 2)).containsExactly(1, 1);
    assertThat(RestoreDowntime.runsPerSize(Mode.FULL, 2)).containsExactly(3, 3);
    System.setProperty(RestoreDowntime.RUNS_PROPERTY, "5, 1");
    assertThat(RestoreDowntime.runsPerSize(Mode.FULL, 2)).containsExactly(5, 1);
    System.setProperty(RestoreDowntime.RUNS_PROPERTY, "2");
    assertThat(RestoreDowntime.runsPerSize(Mode.FULL, 2)).containsExactly(2, 3);
    System.setProperty(RestoreDowntime.RUNS_PROPERTY, "3,0");
    assertThatThrownBy(() -> RestoreDowntime.runsPerSize(Mode.FULL, 2)).hasMessageContaining("at least one run");
  }
}
