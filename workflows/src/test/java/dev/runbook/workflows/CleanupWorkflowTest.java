package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.activities.RetentionActivities.Removal;
import dev.runbook.workflows.model.CleanupResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retention as a run of its own: what goes, what is kept and why, and a dry run that only lists. */
class CleanupWorkflowTest extends WorkflowTest {

  @BeforeEach
  void leaveThingsBehind() {
    world.retention.expired(Leftover.SAFETY_COPY, "api", "api__before_1a2b3c4d", "kept 7d, taken 9d ago");
    world.retention.kept(Leftover.SAFETY_COPY, "api", "api__before_9f8e7d6c", "the newest safety copy is always kept");
    world.retention.expired(Leftover.STAGING_DATABASE, "api", "api__rb_0a0b0c0d", "its run rollback-api ended (succeeded)");
    world.retention.expired(Leftover.BACKUP, "web", "web-old", "beyond the newest 10");
  }

  @Test
  void aCleanupRemovesWhatMayGoKeepsTheNewestSafetyCopyAndSaysSo() {
    CleanupResult result = Runs.start(client, queue, Runs.cleanup(false)).getResult(CleanupResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.pruned().removed()).extracting(Removal::name)
        .containsExactly("api__before_1a2b3c4d", "api__rb_0a0b0c0d");
    assertThat(result.report().message()).isEqualTo("removed 1 safety copy, 1 staging database; kept 1 on purpose"
        + " (api__before_9f8e7d6c: the newest safety copy is always kept)");
    assertThat(world.retention.present()).extracting(i -> i.name())
        .containsExactly("api__before_9f8e7d6c", "web-old");
    assertThat(world.notifications()).isEmpty();
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.RUN_STARTED)
        .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("runbook", "cleanup")
            .containsEntry("dryRun", "false"));
    assertThat(world.audit()).filteredOn(e -> e.type() == AuditEventType.STEP_SUCCEEDED && "prune".equals(e.step()))
        .singleElement().satisfies(e -> assertThat(e.detail()).startsWith("removed 1 safety copy, 1 staging database"));
  }

  @Test
  void aDryRunListsWhatWouldGoAndLeavesEverythingWhereItIs() {
    CleanupResult result = Runs.start(client, queue, Runs.cleanup(true)).getResult(CleanupResult.class);

    assertThat(result.dryRun()).isTrue();
    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.pruned().removed()).extracting(Removal::name)
        .containsExactly("api__before_1a2b3c4d", "api__rb_0a0b0c0d");
    assertThat(result.pruned().removed()).extracting(Removal::at).containsOnlyNulls();
    assertThat(result.report().message()).startsWith("dry run: would remove 1 safety copy, 1 staging database;");
    assertThat(result.report().steps()).extracting(StepStatus::state).containsExactly(StepState.PLANNED);
    assertThat(result.report().plannedActions()).containsExactly(
        "prune: would remove safety copy api__before_1a2b3c4d", "prune: would remove staging database api__rb_0a0b0c0d");
    assertThat(world.retention.present()).hasSize(4);
  }

  @Test
  void aCleanupOfEveryDatabaseTakesAnIdOfItsOwn() {
    var request = new dev.runbook.workflows.model.CleanupRequest(null, null, "erin", Runs.dryRunTag(), false, null);
    var run = Runs.start(client, queue, request);
    CleanupResult result = run.getResult(CleanupResult.class);

    assertThat(run.getExecution().getWorkflowId()).isEqualTo("cleanup-" + request.tag());
    assertThat(result.pruned().removed()).extracting(Removal::name)
        .containsExactly("api__before_1a2b3c4d", "api__rb_0a0b0c0d", "web-old");
    assertThat(Runs.status(run).runbook()).isEqualTo(RunbookType.CLEANUP);
    assertThat(world.retention.calls()).singleElement().asString().startsWith("all cleanup-" + request.tag() + "/");
  }
}
