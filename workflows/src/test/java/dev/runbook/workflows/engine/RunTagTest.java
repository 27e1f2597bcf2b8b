package dev.runbook.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunTagTest {
  @Test
  void runsStartedTheSameMinuteGetDifferentTags() {
    // Version 7 run IDs from a real server, started a second apart: same leading digits.
    String a = "01a1fce7-9c3c-75ed-8612-e5020eac7b91";
    String b = "01a1fce7-a1b0-7c2e-9d41-3f7a22c0e5d8";
    assertThat(a.substring(0, 8)).isEqualTo(b.substring(0, 8));

    assertThat(RunState.runTag(a)).isEqualTo("0eac7b91").isNotEqualTo(RunState.runTag(b));
    assertThat(RunState.runTag(b)).hasSize(8).matches("[0-9a-f]{8}");
  }
}
