package dev.runbook.workflows.engine;

import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * Marks what a run writes to the rollback log when a drill started it, so that the log, metrics
 * and messages tell a rehearsal from an incident. Reads only the run's own start info (its
 * parent), so it adds no command and replays alike.
 */
final class DrillMark {
  private DrillMark() {}

  /** The drill that started this run as its child, or null for a real run. */
  static String drill() {
    return Workflow.getInfo().getParentWorkflowId()
        .filter(p -> p.startsWith(WorkflowIds.DRILL_PREFIX))
        .orElse(null);
  }

  /**
   * Adds {@code parent} (any parent run: the service runs of a full rollback name theirs, so the
   * log can mark those of a drilled one) and {@code drill} to an event's data.
   */
  static void mark(Map<String, String> data) {
    Workflow.getInfo().getParentWorkflowId().ifPresent(p -> data.put("parent", p));
    String drill = drill();
    if (drill != null) {
      data.put("drill", drill);
    }
  }
}
