package dev.runbook.workflows;

import dev.runbook.workflows.model.DatabaseSchedule;
import dev.runbook.workflows.model.ScheduleStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One database's schedule: it starts the database's scheduled backups and cleanups as runs of
 * their own, at the times its cron expressions give, in their time zones.
 */
@WorkflowInterface
public interface DatabaseScheduleWorkflow {
  String QUERY = "schedule";

  @WorkflowMethod(name = "DatabaseSchedule")
  void run(DatabaseSchedule schedule);

  @QueryMethod(name = QUERY)
  ScheduleStatus status();
}
