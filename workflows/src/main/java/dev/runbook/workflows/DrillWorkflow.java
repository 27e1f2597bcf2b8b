package dev.runbook.workflows;

import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A rollback drill on a staging service: break, detect, roll back with the real runbook, restore, report. */
@WorkflowInterface
public interface DrillWorkflow {
  @WorkflowMethod(name = "Drill")
  DrillReport drill(DrillRequest request);

  /** The query's name, for clients that hold an untyped stub. */
  String PROGRESS = "progress";

  /**
   * Where the drill is, in one sentence: "breaking shop with v3-broken", "waiting for the health
   * check to see the break (limit 5m)", "rolling back: rollback-shop", "restoring shop", or its
   * verdict once it has reported.
   */
  @QueryMethod(name = PROGRESS)
  String progress();
}
