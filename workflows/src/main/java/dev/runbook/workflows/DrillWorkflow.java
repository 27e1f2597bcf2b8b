package dev.runbook.workflows;

import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A rollback drill on a staging service: break, detect, roll back with the real runbook, restore, report. */
@WorkflowInterface
public interface DrillWorkflow {
  @WorkflowMethod(name = "Drill")
  DrillReport drill(DrillRequest request);
}
