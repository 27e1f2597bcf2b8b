package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.approve;
import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.decide;
import static dev.runbook.workflows.testing.Runs.reject;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DatabaseRollbackResult;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.WorkflowTest;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseRollbackWorkflowTest extends WorkflowTest {

  private WorkflowStub start(DatabaseRollbackRequest r) {
    return Runs.start(client, queue, r);
  }

  private static StepStatus step(RunStatus s, String id) {
    return s.steps().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void aRestoreNeedsApprovalEvenAtP0AndIsStagedWhileTheApprovalIsPending() {
    world.databases.get("api").schema = 4;
    WorkflowStub run = start(Runs.restore(Severity.P0, false));

    RunStatus waiting = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    for (int i = 0; i < 30 && step(status(run), "check-staging").state() != StepState.SUCCEEDED; i++) {
      testEnv.sleep(Duration.ofSeconds(1));
    }
    RunStatus staged = status(run);
    assertThat(staged.phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    assertThat(step(staged, "restore-staging").state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(step(staged, "check-staging").state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(waiting.pendingApproval().roles()).containsExactly("engineering-lead");
    assertThat(world.databases.get("api").stagedSchema).isEqualTo(3);
    assertThat(world.calls("Service.stop")).isEmpty();
    assertThat(world.databases.get("api").schema).isEqualTo(4);

    approve(run, "alice");
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.mode()).isEqualTo(DatabaseMode.RESTORE);
    assertThat(result.backupId()).isEqualTo("api-nightly");
    assertThat(world.databases.get("api").schema).isEqualTo(3);
    assertThat(result.safetyCopy()).startsWith("api__before_");
    assertThat(world.databases.get("api").backups.get(result.safetyCopy())).isEqualTo(4);
    List<String> order = world.calls().stream()
        .filter(c -> c.startsWith("Service.") || c.startsWith("Database.swap"))
        .map(c -> c.split(" ")[0]).toList();
    assertThat(order).containsExactly("Service.stop", "Database.swap", "Service.start", "Service.verify");
    assertThat(world.calls("Database.dropStaging")).isEmpty();
  }

  @Test
  void rejectingAStagedRestoreStopsItAndDropsTheStagingDatabase() {
    WorkflowStub run = start(Runs.restore(Severity.P1, false));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);

    reject(run, "bob", "restore loses today's orders; revert instead");
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.REJECTED);
    assertThat(world.calls("Database.dropStaging")).hasSize(1);
    assertThat(world.databases.get("api").stagedTag).isNull();
    assertThat(world.calls("Database.swap")).isEmpty();
    assertThat(world.calls("Service.stop")).isEmpty();
  }

  @Test
  void aFailedSwapCompensatedPutsTheOldDatabaseBackAndStartsTheWriters() {
    world.fail("Service.start", FailureType.NOT_SUPPORTED, 1);
    world.databases.get("api").schema = 4;
    WorkflowStub run = start(Runs.restore(Severity.P0, false));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    approve(run, "alice");

    RunStatus s = awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    assertThat(s.pendingDecision().step()).isEqualTo("start-writers");
    decide(run, DecisionAction.COMPENSATE, "alice");
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.COMPENSATED);
    assertThat(world.databases.get("api").schema).isEqualTo(4);
    assertThat(world.services.get("api").running).isTrue();
    assertThat(world.calls("Database.swapBack")).hasSize(1);
  }

  @Test
  void anInPlaceRestoreTakesASafetyBackupFirst() {
    world.databases.get("api").schema = 4;
    WorkflowStub run = start(Runs.restore(Severity.P0, true));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(world.calls("Database.backup")).hasSize(1);
    approve(run, "bob");

    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.databases.get("api").schema).isEqualTo(3);
    assertThat(world.databases.get("api").backups.get(result.safetyCopy())).isEqualTo(4);
    assertThat(world.calls("Database.restoreInPlace")).containsExactly("Database.restoreInPlace api api-nightly");
  }

  @Test
  void withoutAModeCorruptedDataLeadsToARestore() {
    world.databases.get("api").corrupted = true;
    WorkflowStub run = start(Runs.request(dev.runbook.workflows.model.RunbookType.DATABASE, Severity.P0, false) instanceof DatabaseRollbackRequest r ? r : null);

    RunStatus s = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(step(s, "choose-mode").detail()).isEqualTo("restore: integrity checks fail");
    approve(run, "alice");
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.mode()).isEqualTo(DatabaseMode.RESTORE);
    assertThat(world.databases.get("api").corrupted).isFalse();
    assertThat(world.calls("Database.revertMigrations")).isEmpty();
  }

  @Test
  void withoutAModeSoundDataIsReverted() {
    DatabaseRollbackResult result =
        start((DatabaseRollbackRequest) Runs.request(dev.runbook.workflows.model.RunbookType.DATABASE, Severity.P0, false))
            .getResult(DatabaseRollbackResult.class);

    assertThat(result.mode()).isEqualTo(DatabaseMode.REVERT);
    assertThat(result.schemaFrom()).isEqualTo("3");
    assertThat(result.schemaTo()).isEqualTo("2");
    assertThat(result.report().steps()).filteredOn(x -> x.id().equals("choose-mode"))
        .singleElement().satisfies(x -> assertThat(x.detail()).isEqualTo("revert: integrity checks pass"));
    List<String> order = world.calls().stream().map(c -> c.split(" ")[0])
        .filter(c -> c.startsWith("Database.")).toList();
    assertThat(order).containsExactly(
        "Database.checkIntegrity", "Database.resolveSchemaTarget", "Database.backup",
        "Database.revertMigrations", "Database.checkIntegrity");
    assertThat(world.notifications()).extracting(n -> n.kind())
        .contains(NotificationKind.STARTED, NotificationKind.RESOLVED);
  }

  private static DatabaseRollbackRequest restoreOf(String backupId, boolean crossRestore) {
    return new DatabaseRollbackRequest(
        "api", null, Severity.P1, "copy production's orders into staging", FakeWorld.REQUESTER, false,
        null, DatabaseMode.RESTORE, null, null, null, backupId, null, null, null, crossRestore);
  }

  @Test
  void anotherServersBackupIsRefusedBeforeAnythingIsStagedAndGoesThroughOnlyWhenAskedFor() {
    FakeWorld.Database api = world.databases.get("api");
    api.backups.put("prod-copy", 2);
    api.foreign.put("prod-copy", "7000000000000000002");

    WorkflowStub refused = start(restoreOf("prod-copy", false));
    RunStatus stuck = awaitPhase(testEnv, refused, Phase.NEEDS_DECISION);
    assertThat(stuck.pendingDecision().step()).isEqualTo("resolve-backup");
    assertThat(step(stuck, "resolve-backup").error())
        .contains("BACKUP_OF_ANOTHER_DATABASE", "(system 7000000000000000002)", "(system 7000000000000000001)");
    assertThat(world.calls("Database.restoreStaged")).isEmpty();
    decide(refused, DecisionAction.ABORT, "erin");
    assertThat(refused.getResult(DatabaseRollbackResult.class).report().outcome()).isEqualTo(Phase.ABORTED);

    WorkflowStub crossed = start(restoreOf("prod-copy", true));
    awaitPhase(testEnv, crossed, Phase.AWAITING_APPROVAL);
    approve(crossed, "alice");
    DatabaseRollbackResult result = crossed.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(api.schema).isEqualTo(2);
    String recorded = "CROSS-RESTORE asked for: taken from api on db2:5432 (system 7000000000000000002),"
        + " restored into api on db1:5432 (system 7000000000000000001)";
    assertThat(result.report().steps()).filteredOn(x -> x.id().equals("resolve-backup"))
        .singleElement().satisfies(x -> assertThat(x.detail()).contains("prod-copy", recorded));
    assertThat(world.audit()).filteredOn(e -> "resolve-backup".equals(e.step())
            && e.type() == dev.runbook.workflows.activities.AuditEventType.STEP_SUCCEEDED)
        .extracting(e -> e.detail()).anySatisfy(d -> assertThat(d).contains(recorded));
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.STARTED)
        .extracting(n -> n.detail()).anySatisfy(d -> assertThat(d).contains("cross-restore of backup prod-copy asked for"));
    assertThat(world.calls("Database.restoreStaged")).containsExactly("Database.restoreStaged api prod-copy");
  }

  private static DatabaseRollbackRequest restoreFromFile(String file, boolean dryRun) {
    return new DatabaseRollbackRequest(
        "api", null, Severity.P1, "restore last night's dump", FakeWorld.REQUESTER, dryRun, null,
        DatabaseMode.RESTORE, null, null, null, null, null, null, null, false, file);
  }

  @Test
  void aRestoreFromAFileImportsItAsTheRequesterFirstThenStagesAndSwapsIt() {
    FakeWorld.Database api = world.databases.get("api");
    api.files.put("/backups/db_2026-11-25.sql.gz", 2);

    WorkflowStub run = start(restoreFromFile("/backups/db_2026-11-25.sql.gz", false));
    RunStatus waiting = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    assertThat(step(waiting, "import-backup").detail()).startsWith("imported as import-")
        .contains("plain-gzip", "schema 2");
    approve(run, "alice");
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.backupId()).startsWith("import-");
    assertThat(api.schema).isEqualTo(2);
    assertThat(api.importedBy.get(result.backupId())).isEqualTo(FakeWorld.REQUESTER);
    List<String> order = world.calls().stream().map(c -> c.split(" ")[0])
        .filter(c -> c.startsWith("Database.")).toList();
    assertThat(order).containsSubsequence("Database.importBackup", "Database.resolveBackup",
        "Database.restoreStaged", "Database.swap");
    assertThat(world.calls("Database.resolveBackup")).containsExactly("Database.resolveBackup api " + result.backupId());
  }

  @Test
  void aFileTheWorkersDoNotHaveStopsTheRunAtTheImportBeforeAnythingIsStaged() {
    WorkflowStub run = start(restoreFromFile("/backups/missing.sql.gz", false));

    RunStatus stuck = awaitPhase(testEnv, run, Phase.NEEDS_DECISION);

    assertThat(stuck.pendingDecision().step()).isEqualTo("import-backup");
    assertThat(step(stuck, "import-backup").error()).contains("there is no /backups/missing.sql.gz");
    assertThat(world.calls("Database.resolveBackup")).isEmpty();
    assertThat(world.calls("Database.restoreStaged")).isEmpty();
    decide(run, DecisionAction.ABORT, "erin");
    assertThat(run.getResult(DatabaseRollbackResult.class).report().outcome()).isEqualTo(Phase.ABORTED);
  }

  @Test
  void revertToAGivenMigration() {
    DatabaseRollbackRequest r = new DatabaseRollbackRequest(
        "api", "api", Severity.P0, "undo 2 and 3", FakeWorld.REQUESTER, false, null,
        DatabaseMode.REVERT, null, "1", null, null, null, null, null);

    DatabaseRollbackResult result = start(r).getResult(DatabaseRollbackResult.class);

    assertThat(result.schemaTo()).isEqualTo("1");
    assertThat(world.databases.get("api").schema).isEqualTo(1);
    assertThat(world.calls("Database.checkIntegrity")).hasSize(1);
  }
}
