package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.Phase;
import org.junit.jupiter.api.Test;

/** The addresses printed for Temporal UI. */
class TemporalUiTest {
  private final TemporalUi ui = new TemporalUi("http://127.0.0.1:8233/", "default");

  @Test
  void theAwaitingApprovalQueryUsesThePhaseLabelRunsSet() {
    assertThat(TemporalUi.awaitingApprovalQuery()).isEqualTo("Phase=\"" + Phase.AWAITING_APPROVAL.label() + "\"")
        .isEqualTo("Phase=\"awaiting-approval\"");
    assertThat(ui.awaitingApproval())
        .isEqualTo("http://127.0.0.1:8233/namespaces/default/workflows?query=Phase%3D%22awaiting-approval%22");
  }

  @Test
  void aRunsPageAndItsWorkflowsPageAreEncoded() {
    assertThat(ui.run("rollback-shop", "01a2-77")).isEqualTo(
        "http://127.0.0.1:8233/namespaces/default/workflows/rollback-shop/01a2-77/history");
    assertThat(new TemporalUi("https://t.example.com/ui", "team a").workflow("full/x y"))
        .isEqualTo("https://t.example.com/ui/namespaces/team%20a/workflows/full%2Fx%20y");
  }
}
