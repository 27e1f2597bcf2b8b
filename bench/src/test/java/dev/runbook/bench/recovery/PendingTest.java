package dev.runbook.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingTest {
  @Test
  void theProcessIdIsReadFromEitherFormOfAWorkerIdentity() {
    assertThat(Pending.pidOf("4242@host")).isEqualTo(4242);
    assertThat(Pending.pidOf("worker-1/4242@host.example")).isEqualTo(4242);
  }

  @Test
  void anIdentityWithoutAProcessIdMatchesNoWorker() {
    assertThat(Pending.pidOf("")).isEqualTo(-1);
    assertThat(Pending.pidOf("some-client")).isEqualTo(-1);
    assertThat(Pending.pidOf("abc@host")).isEqualTo(-1);
  }
}
