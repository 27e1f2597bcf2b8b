package dev.runbook.workflows;

import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.DrillSchedule.DrillRun;
import dev.runbook.workflows.model.DrillScheduleStatus;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * A target's drill schedule, built as a database's schedule is ({@link DatabaseScheduleWorkflowImpl}):
 * the next firing from the cron expression and the workflow's clock, a durable timer until then,
 * the drill as a child run ({@code drill-<target>-<tag>}) waited for, then continue-as-new so the
 * history stays short. A firing missed while no worker was up is not made up for. A drill is
 * abandoned, not cancelled, when the schedule is replaced or stopped: it still restores staging.
 */
public class DrillScheduleWorkflowImpl implements DrillScheduleWorkflow {
  private static final Logger log = Workflow.getLogger(DrillScheduleWorkflowImpl.class);

  private DrillSchedule schedule;
  private Instant next;
  private String running;
  private DrillRun last;

  @Override
  public void run(DrillSchedule s) {
    List<String> problems = s.problems();
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid drill schedule: " + String.join("; ", problems), FailureType.INVALID_INPUT.name());
    }
    schedule = s;
    last = s.last();
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    next = s.schedule().next(now);
    if (next == null) {
      log.info("drill schedule of {}: {} never fires", s.drill().target(), s.schedule().describe());
      return;
    }
    Workflow.sleep(Duration.between(now, next));
    last = drill();
    Workflow.continueAsNew(new DrillSchedule(s.drill(), s.schedule(), last));
  }

  private DrillRun drill() {
    DrillRequest request = schedule.firing(Workflow.randomUUID().toString().replace("-", "").substring(0, 8));
    DrillWorkflow child = Workflow.newChildWorkflowStub(DrillWorkflow.class, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId())
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setStaticSummary("scheduled drill of " + request.target() + ", " + schedule.schedule().describe())
        .build());
    Instant started = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    running = request.workflowId();
    next = null;
    try {
      DrillReport report = child.drill(request);
      return new DrillRun(request.workflowId(), started, report.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          report.slaMet());
    } catch (ChildWorkflowFailure f) {
      // The drill restored staging itself; the schedule goes on.
      log.warn("drill schedule of {}: {} failed: {}", request.target(), request.workflowId(), f.getMessage());
      return new DrillRun(request.workflowId(), started, "failed", false);
    } finally {
      running = null;
    }
  }

  @Override
  public DrillScheduleStatus status() {
    DrillSchedule s = schedule;
    return new DrillScheduleStatus(
        s == null ? null : s.drill().target(),
        s == null ? null : s.schedule().describe(),
        next,
        running,
        last);
  }
}
