package dev.runbook.workflows;

import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.DrillScheduleStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A target's drill schedule: it starts the drill as a run of its own each time its cron expression fires. */
@WorkflowInterface
public interface DrillScheduleWorkflow {
  String QUERY = "drill-schedule";

  @WorkflowMethod(name = "DrillSchedule")
  void run(DrillSchedule schedule);

  @QueryMethod(name = QUERY)
  DrillScheduleStatus status();
}
