package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerIdentityTest {
  @Test
  void withoutANameTheSdkDefaultStays() {
    assertThat(WorkerIdentity.of(Map.<String, String>of()::get)).isNull();
    assertThat(WorkerIdentity.of(Map.of(WorkerIdentity.ENV, " ")::get)).isNull();
  }

  @Test
  void aNameComesFirstThenPidAndHost() {
    String id = WorkerIdentity.of(Map.of(WorkerIdentity.ENV, "worker-2")::get);
    assertThat(id).startsWith("worker-2/" + ProcessHandle.current().pid() + "@");
  }

  @Test
  void aNameThatIsNotAWordIsRefusedSayingHowToWriteIt() {
    assertThatThrownBy(() -> WorkerIdentity.of(Map.of(WorkerIdentity.ENV, "worker 1; rm")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(WorkerIdentity.ENV).hasMessageContaining("worker-1")
        .hasMessageNotContaining("rm");
  }
}
