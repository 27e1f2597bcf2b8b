package dev.runbook.workflows;

import dev.runbook.workflows.engine.ActivityCatalog;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.BackupJobResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A backup as a run of its own: the runbooks' backup, the rollback log, a failure the team hears of once. */
class BackupWorkflowTest extends WorkflowTest {

  private List<AuditEvent> events(AuditEventType type) {
    return world.audit().stream().filter(e -> e.type() == type).toList();
  }

  @Test
  void aBackupRunTakesOneVerifiedBackupWritesTheLogAndTellsNobody() {
    BackupJobRequest request = Runs.backup();
    WorkflowStub run = Runs.start(client, queue, request);
    BackupJobResult result = run.getResult(BackupJobResult.class);

    assertThat(run.getExecution().getWorkflowId()).isEqualTo(WorkflowIds.forBackup("api", request.tag()))
        .startsWith("backup-api-");
    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.report().steps()).extracting(StepStatus::id).containsExactly("backup");
    assertThat(result.backupId()).isNotBlank();
    assertThat(world.databases.get("api").backups).containsKey(result.backupId());
    assertThat(world.calls("Database.backup")).containsExactly("Database.backup api");
    assertThat(result.report().message()).isEqualTo("backup " + result.backupId() + " of api taken: 1024 bytes,"
        + " schema 3, verified");
    // No approval, no policy: nothing to wait for; a success is quiet.
    assertThat(world.calls("Policy.snapshot")).isEmpty();
    assertThat(world.notifications()).isEmpty();

    AuditEvent started = events(AuditEventType.RUN_STARTED).get(0);
    assertThat(started.data()).containsEntry("runbook", "backup").containsEntry("services", "api")
        .containsEntry("requestedBy", FakeWorld.REQUESTER).doesNotContainKey("severity");
    assertThat(started.detail()).isEqualTo("backup on demand");
    AuditEvent finished = events(AuditEventType.RUN_FINISHED).get(0);
    assertThat(finished.data()).containsEntry("outcome", "succeeded").containsEntry("to", result.backupId());

    RunStatus s = status(run);
    assertThat(s.runbook()).isEqualTo(RunbookType.BACKUP);
    assertThat(s.severity()).isNull();
    assertThat(s.services()).containsExactly("api");
  }

  @Test
  void aBackupThatFailsForGoodEndsFailedAndTellsTheTeamOnceWithoutAskingAnyone() {
    world.fail("Database.backup", FailureType.UNAVAILABLE, 10);
    WorkflowStub run = Runs.start(client, queue,
        new BackupJobRequest("api", null, BackupJobRequest.SCHEDULE, Runs.dryRunTag(), "0 3 * * * (UTC)"));

    assertThatThrownBy(() -> run.getResult(BackupJobResult.class)).isInstanceOf(WorkflowFailedException.class);

    // Every attempt the activity's retry policy allows, then the run ends: no decision is asked for.
    assertThat(world.calls("Database.backup")).hasSize(ActivityCatalog.LONG.getRetryOptions().getMaximumAttempts());
    RunStatus s = status(run);
    assertThat(s.phase()).isEqualTo(Phase.FAILED);
    assertThat(s.pendingDecision()).isNull();
    assertThat(s.steps()).extracting(StepStatus::state).containsExactly(StepState.FAILED);
    assertThat(s.outcomeMessage()).contains("UNAVAILABLE").contains("Database.backup failed (api)");
    assertThat(s.reason()).isEqualTo("scheduled backup (0 3 * * * (UTC))");
    List<Notification> sent = world.notifications();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).kind()).isEqualTo(NotificationKind.FAILED);
    assertThat(sent.get(0).audience()).isEqualTo(Audience.TEAM);
    assertThat(sent.get(0).runbook()).isEqualTo(RunbookType.BACKUP);
    assertThat(sent.get(0).detail()).contains("UNAVAILABLE");
    assertThat(events(AuditEventType.RUN_FINISHED).get(0).data()).containsEntry("outcome", "failed");
    assertThat(events(AuditEventType.DECISION_REQUESTED)).isEmpty();
  }

  @Test
  void thereIsNothingToApproveOnABackup() throws InterruptedException {
    world.fail("Database.backup", FailureType.UNAVAILABLE, 3);
    WorkflowStub run = Runs.start(client, queue, Runs.backup());
    // Once the backup has run (the run knows what it is; it waits for its next attempt), a vote comes.
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (world.calls("Database.backup").isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThatThrownBy(() -> Runs.approve(run, "alice"))
        .isInstanceOf(WorkflowUpdateException.class)
        .satisfies(t -> assertThat(RefusalKind.parse(((ApplicationFailure) t.getCause()).getOriginalMessage()))
            .isEqualTo(new RefusalKind.Refused(RefusalKind.NOT_WAITING,
                "a backup takes no approval: there is nothing to vote on")));
    assertThat(run.getResult(BackupJobResult.class).report().outcome()).isEqualTo(Phase.SUCCEEDED);
  }
}
