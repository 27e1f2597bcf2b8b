package dev.runbook.workflows;

import dev.runbook.workflows.engine.ActivityCatalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.CronSchedule;
import dev.runbook.workflows.model.DatabaseSchedule;
import dev.runbook.workflows.model.ScheduleStatus;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.api.common.v1.WorkflowExecution;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database's schedule on the test server's clock: it starts each job at its cron time in its
 * time zone, as a run of its own, and goes on after one fails.
 */
class DatabaseScheduleWorkflowTest extends WorkflowTest {

  private WorkflowExecution start(DatabaseSchedule schedule) {
    DatabaseScheduleWorkflow w = client.newWorkflowStub(DatabaseScheduleWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(queue).setWorkflowId(WorkflowIds.forSchedule(schedule.database())).build());
    WorkflowExecution first = WorkflowClient.start(w::run, schedule);
    Runs.recordRun(client, first.getWorkflowId(), first.getRunId());
    return first;
  }

  private ScheduleStatus status() {
    return client.newUntypedWorkflowStub(WorkflowIds.forSchedule("api")).query(DatabaseScheduleWorkflow.QUERY,
        ScheduleStatus.class);
  }

  private Instant now() {
    return Instant.ofEpochMilli(testEnv.currentTimeMillis());
  }

  private List<AuditEvent> finished() {
    return world.audit().stream().filter(e -> e.type() == AuditEventType.RUN_FINISHED).toList();
  }

  /** Moves the test clock on a minute at a time until {@code done} holds (at most a day). */
  private void until(java.util.function.BooleanSupplier done) {
    for (int i = 0; i < 24 * 60 && !done.getAsBoolean(); i++) {
      testEnv.sleep(Duration.ofMinutes(1));
    }
    assertThat(done.getAsBoolean()).as("within a day of the test clock").isTrue();
  }

  @Test
  void theScheduleStartsEachJobAtItsTimeInItsZoneAsARunOfItsOwn() {
    CronSchedule backups = new CronSchedule("0 3 * * *", "Europe/Berlin");
    CronSchedule cleanups = CronSchedule.utc("30 4 * * *");
    Instant started = now();
    WorkflowExecution first = start(new DatabaseSchedule("api", backups, cleanups));

    ScheduleStatus waiting = status();
    assertThat(waiting.nextBackup()).isEqualTo(backups.next(started));
    assertThat(waiting.nextCleanup()).isEqualTo(cleanups.next(started));
    assertThat(waiting.backup()).isEqualTo("0 3 * * * (Europe/Berlin)");
    assertThat(world.calls("Database.backup")).isEmpty();

    until(() -> status().lastBackup() != null && status().lastCleanup() != null);

    ScheduleStatus after = status();
    assertThat(after.lastBackup().workflowId()).startsWith("backup-api-");
    assertThat(after.lastBackup().outcome()).isEqualTo("succeeded");
    // Started when the timer fired (the test server hands the task over within milliseconds).
    assertThat(after.lastBackup().startedAt()).isBetween(waiting.nextBackup(), waiting.nextBackup().plusSeconds(1));
    assertThat(after.lastCleanup().workflowId()).startsWith("cleanup-api-");
    // The next backup is the one after the backup that ran (the cleanup may have run before or after it,
    // depending on the hour the test starts).
    assertThat(after.nextBackup()).isEqualTo(backups.next(after.lastBackup().startedAt()));
    assertThat(world.calls("Database.backup")).containsExactly("Database.backup api");
    assertThat(world.retention.calls()).singleElement().asString().startsWith("api " + after.lastCleanup().workflowId());
    assertThat(finished()).hasSize(2);
    // Each job is a run of its own in the rollback log, asked for by the schedule.
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.RUN_STARTED)
        .extracting(e -> e.data().get("requestedBy")).containsOnly("schedule");
    // The schedule went on as a new run: its history stays short.
    var described = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(first.getWorkflowId())).build());
    assertThat(described.getWorkflowExecutionInfo().getExecution().getRunId()).isNotEqualTo(first.getRunId());
    assertThat(described.getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void aScheduledBackupThatFailsTellsTheTeamOnceAndTheScheduleGoesOn() {
    world.fail("Database.backup", FailureType.UNAVAILABLE, ActivityCatalog.LONG.getRetryOptions().getMaximumAttempts());
    start(new DatabaseSchedule("api", CronSchedule.utc("0 * * * *"), null));

    until(() -> status().lastBackup() != null);
    assertThat(status().lastBackup().outcome()).isEqualTo("failed");
    assertThat(world.notifications()).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(NotificationKind.FAILED);
      assertThat(n.workflowId()).isEqualTo(status().lastBackup().workflowId());
      assertThat(n.reason()).isEqualTo("scheduled backup (0 * * * * (UTC))");
    });

    String failed = status().lastBackup().workflowId();
    until(() -> !failed.equals(status().lastBackup().workflowId()));
    assertThat(status().lastBackup().outcome()).isEqualTo("succeeded");
    assertThat(world.notifications()).hasSize(1);
    assertThat(finished()).extracting(e -> e.data().get("outcome")).containsExactly("failed", "succeeded");
  }

  @Test
  void aScheduleWithNothingToRunEnds() {
    WorkflowExecution run = start(new DatabaseSchedule("api", null, null));
    client.newUntypedWorkflowStub(run.getWorkflowId()).getResult(Void.class);
    assertThat(world.calls()).isEmpty();
  }
}
