package dev.runbook.workflows.testing;

import dev.runbook.workflows.BackupImportWorkflowImpl;
import dev.runbook.workflows.BackupWorkflowImpl;
import dev.runbook.workflows.CleanupWorkflowImpl;
import dev.runbook.workflows.ConfigSnapshotWorkflowImpl;
import dev.runbook.workflows.DatabaseRollbackWorkflowImpl;
import dev.runbook.workflows.DatabaseScheduleWorkflowImpl;
import dev.runbook.workflows.DrillScheduleWorkflowImpl;
import dev.runbook.workflows.DrillWorkflowImpl;
import dev.runbook.workflows.EmergencyRollbackWorkflowImpl;
import dev.runbook.workflows.FullRollbackWorkflowImpl;
import dev.runbook.workflows.ServiceRollbackWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, fetches the history of every run the test started (and of their child runs),
 * replays it against the current workflow code, and writes it to {@code target/recorded-histories}.
 * A non-deterministic workflow fails here, in the test that produced the history. The committed
 * histories under {@code src/test/resources/histories} are chosen from these files (see
 * {@code scripts/record-histories}).
 */
public final class RecordHistories implements AfterEachCallback {
  public static final Class<?>[] WORKFLOWS = {
    EmergencyRollbackWorkflowImpl.class,
    DatabaseRollbackWorkflowImpl.class,
    FullRollbackWorkflowImpl.class,
    ServiceRollbackWorkflowImpl.class,
    BackupImportWorkflowImpl.class,
    BackupWorkflowImpl.class,
    CleanupWorkflowImpl.class,
    DatabaseScheduleWorkflowImpl.class,
    ConfigSnapshotWorkflowImpl.class,
    DrillWorkflowImpl.class,
    DrillScheduleWorkflowImpl.class,
    dev.runbook.workflows.ChecklistWorkflowImpl.class
  };

  private static final Path OUT = Path.of("target", "recorded-histories");

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<Runs.Started> started = Runs.drainStarted();
    if (context.getExecutionException().isPresent()) {
      return;
    }
    java.util.regex.Matcher param =
        java.util.regex.Pattern.compile("^\\[\\d+\\] .*?(\\w+)$").matcher(context.getDisplayName());
    String test = context.getRequiredTestClass().getSimpleName() + "-"
        + context.getRequiredTestMethod().getName() + (param.matches() ? "-" + param.group(1) : "");
    Files.createDirectories(OUT);
    int n = 0;
    for (Runs.Started run : started) {
      for (WorkflowExecutionHistory h : withChildren(run.client(), run.workflowId(), run.runId())) {
        WorkflowReplayer.replayWorkflowExecution(h, WORKFLOWS[0], rest());
        String type = h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName();
        write(OUT.resolve(test + "-" + (n++) + "-" + type + ".json"), h.toJson(true));
      }
    }
  }

  private static Class<?>[] rest() {
    Class<?>[] r = new Class<?>[WORKFLOWS.length - 1];
    System.arraycopy(WORKFLOWS, 1, r, 0, r.length);
    return r;
  }

  /** The run's history and the histories of the child runs it started. */
  private static List<WorkflowExecutionHistory> withChildren(WorkflowClient client, String workflowId, String runId) {
    List<WorkflowExecutionHistory> all = new ArrayList<>();
    WorkflowExecutionHistory parent = runId == null ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, runId);
    all.add(parent);
    for (HistoryEvent e : parent.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        var child = e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
        all.add(client.fetchHistory(child.getWorkflowId(), child.getRunId()));
      }
    }
    return all;
  }

  private static void write(Path file, String json) {
    try {
      Files.writeString(file, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
