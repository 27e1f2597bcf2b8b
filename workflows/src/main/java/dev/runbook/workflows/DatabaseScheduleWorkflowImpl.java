package dev.runbook.workflows;

import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.BackupJobResult;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.CleanupResult;
import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DatabaseSchedule;
import dev.runbook.workflows.model.DatabaseSchedule.JobRun;
import dev.runbook.workflows.model.ScheduleStatus;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * A database's schedule as a workflow of its own: it works out the next firing of each job from
 * its cron expression and time zone ({@link CronSchedule#next}, plain computation from the
 * workflow's clock), sleeps until then on a durable timer, starts the job that is due as a child
 * run ({@code backup-<db>-<tag>}, {@code cleanup-<db>-<tag>}) and waits for it, then continues as
 * a new run so its history stays a few events long. Timers, child runs and continue-as-new are
 * what the real Temporal server and the embedded test server both run; Temporal Schedules, which
 * the test server lacks, are not used.
 *
 * <p>A job runs at most once at a time: a firing that comes while one still runs is skipped, as
 * is one missed while no worker was up (the next one counts from when the schedule wakes). A
 * child is abandoned, not cancelled, when the schedule is replaced or stopped: a backup under way
 * finishes. A job's failure is the job's to report (it tells the team); the schedule goes on.
 */
public class DatabaseScheduleWorkflowImpl implements DatabaseScheduleWorkflow {
  private static final Logger log = Workflow.getLogger(DatabaseScheduleWorkflowImpl.class);

  private DatabaseSchedule schedule;
  private Instant nextBackup;
  private Instant nextCleanup;
  private String running;
  private JobRun lastBackup;
  private JobRun lastCleanup;

  @Override
  public void run(DatabaseSchedule s) {
    schedule = s;
    lastBackup = s.lastBackup();
    lastCleanup = s.lastCleanup();
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    nextBackup = s.backup() == null ? null : s.backup().next(now);
    nextCleanup = s.cleanup() == null ? null : s.cleanup().next(now);
    Instant at = earliest(nextBackup, nextCleanup);
    if (at == null) {
      log.info("schedule of {}: nothing to run ({})", s.database(), s.describe());
      return;
    }
    details();
    Workflow.sleep(Duration.between(now, at));
    if (nextBackup != null && !nextBackup.isAfter(at)) {
      lastBackup = backup();
    }
    if (nextCleanup != null && !nextCleanup.isAfter(at)) {
      lastCleanup = cleanup();
    }
    Workflow.continueAsNew(new DatabaseSchedule(s.database(), s.backup(), s.cleanup(), lastBackup, lastCleanup));
  }

  private JobRun backup() {
    BackupJobRequest request = new BackupJobRequest(schedule.database(), null, BackupJobRequest.SCHEDULE, tag(),
        schedule.backup().describe());
    BackupWorkflow child = Workflow.newChildWorkflowStub(BackupWorkflow.class,
        childOptions(request.workflowId(), "scheduled backup of " + schedule.database() + ", "
            + schedule.backup().describe()));
    return runJob(request.workflowId(), () -> child.backup(request).report().outcome().label());
  }

  private JobRun cleanup() {
    CleanupRequest request = new CleanupRequest(schedule.database(), null, BackupJobRequest.SCHEDULE, tag(), false,
        schedule.cleanup().describe());
    CleanupWorkflow child = Workflow.newChildWorkflowStub(CleanupWorkflow.class,
        childOptions(request.workflowId(), "scheduled cleanup of " + schedule.database() + ", "
            + schedule.cleanup().describe()));
    return runJob(request.workflowId(), () -> child.clean(request).report().outcome().label());
  }

  private JobRun runJob(String workflowId, java.util.function.Supplier<String> job) {
    Instant started = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    running = workflowId;
    details();
    String outcome;
    try {
      outcome = job.get();
    } catch (ChildWorkflowFailure f) {
      // The job ended without success and told the team itself; the schedule goes on.
      log.warn("schedule of {}: {} did not succeed: {}", schedule.database(), workflowId, f.getMessage());
      outcome = "failed";
    }
    running = null;
    return new JobRun(workflowId, started, outcome);
  }

  private static ChildWorkflowOptions childOptions(String workflowId, String summary) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setStaticSummary(summary)
        .build();
  }

  /** Eight hex digits for a job's ID, the same on every replay. */
  private static String tag() {
    return Workflow.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  private void details() {
    Workflow.setCurrentDetails("**schedule** of " + schedule.database() + ": " + schedule.describe() + "\n\n"
        + (running == null ? "" : "Running: " + running + "\n")
        + (nextBackup == null ? "" : "Next backup: " + nextBackup + "\n")
        + (nextCleanup == null ? "" : "Next cleanup: " + nextCleanup + "\n")
        + (lastBackup == null ? "" : "Last backup: " + lastBackup.workflowId() + " " + lastBackup.outcome() + "\n")
        + (lastCleanup == null ? "" : "Last cleanup: " + lastCleanup.workflowId() + " " + lastCleanup.outcome() + "\n"));
  }

  @Override
  public ScheduleStatus status() {
    DatabaseSchedule s = schedule;
    return new ScheduleStatus(
        s == null ? null : s.database(),
        s == null || s.backup() == null ? null : s.backup().describe(),
        nextBackup,
        s == null || s.cleanup() == null ? null : s.cleanup().describe(),
        nextCleanup,
        running,
        lastBackup,
        lastCleanup);
  }
}
