package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.testing.RecordHistories;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the recorded runs kept in {@code src/test/resources/histories} against the current
 * workflow code. A change that would break runs in flight (a step added, removed or reordered
 * without {@code Workflow.getVersion}) fails here. Refresh them with {@code scripts/record-histories}.
 */
class ReplayTest {
  static Stream<Path> histories() throws IOException, URISyntaxException {
    Path dir = Path.of(ReplayTest.class.getResource("/histories").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void recordedRunReplaysWithTheCurrentCode(Path history) throws Exception {
    WorkflowExecutionHistory h = WorkflowExecutionHistory.fromJson(Files.readString(history));
    WorkflowReplayer.replayWorkflowExecution(h, RecordHistories.WORKFLOWS[0], others());
  }

  @Test
  void everyWorkflowTypeHasRecordedHistories() throws Exception {
    List<String> types;
    try (Stream<Path> files = histories()) {
      types = files.map(p -> {
        try {
          return WorkflowExecutionHistory.fromJson(Files.readString(p)).getEvents().get(0)
              .getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).distinct().toList();
    }
    assertThat(types).containsExactlyInAnyOrder(
        "EmergencyRollback", "DatabaseRollback", "FullRollback", "ServiceRollback", "Backup", "Cleanup",
        "DatabaseSchedule", "BackupImport", "ConfigSnapshot", "Drill",
        "DrillSchedule", "Checklist");
  }

  @Test
  void aHistoryThatNoLongerMatchesTheCodeFailsTheReplay() throws Exception {
    Path approved = Path.of(ReplayTest.class.getResource("/histories/emergency-p1-approved.json").toURI());
    // As if an older version had run a different activity for its evidence step.
    String tampered = Files.readString(approved)
        .replace("\"ServiceCaptureEvidence\"", "\"ServiceHealth\"");
    assertThat(tampered).isNotEqualTo(Files.readString(approved));

    assertThatThrownBy(() ->
            WorkflowReplayer.replayWorkflowExecution(
                WorkflowExecutionHistory.fromJson(tampered), RecordHistories.WORKFLOWS[0], others()))
        .hasMessageContaining("NonDeterministicException")
        .hasMessageContaining("ServiceCaptureEvidence");
  }

  private static Class<?>[] others() {
    Class<?>[] all = RecordHistories.WORKFLOWS;
    Class<?>[] r = new Class<?>[all.length - 1];
    System.arraycopy(all, 1, r, 0, r.length);
    return r;
  }
}
