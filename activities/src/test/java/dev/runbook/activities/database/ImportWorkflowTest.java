package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.database.RichDatabase.Made;
import dev.runbook.workflows.BackupImportWorkflowImpl;
import dev.runbook.workflows.DatabaseRollbackWorkflowImpl;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.engine.RunbookSearchAttributes;
import dev.runbook.workflows.model.BackupImportRequest;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DatabaseRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database runbook end to end with the real database activities on PostgreSQL (the other
 * systems are FakeWorld's): {@code start database api --mode restore --backup-file
 * /path/db.sql.gz} imports a real {@code pg_dump | gzip} of the rich schema as the requester,
 * stages it while the approval is pending, and swaps it in. The test polls in real time: the
 * test server skips no time while activities run, and the run is approved before the test waits
 * for its result.
 */
class ImportWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension env = extension();

  private static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder b = TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(DatabaseRollbackWorkflowImpl.class, BackupImportWorkflowImpl.class)
        .setDoNotStart(true);
    RunbookSearchAttributes.ALL.forEach(b::registerSearchAttribute);
    return b.build();
  }

  @TempDir Path files;
  @TempDir Path backups;

  private final FakeWorld world = new FakeWorld();
  private WorkflowClient client;
  private String queue;
  private String db;
  private Path dump;
  private Contents dumped;
  private Contents damaged;

  @BeforeEach
  void aDamagedDatabaseAndLastNightsDump(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) {
    db = RichDatabase.create("e2e");
    dumped = Contents.of(db);
    dump = RichDatabase.dump(db, Made.PLAIN_GZIP, files);
    RichDatabase.damage(db);
    damaged = Contents.of(db);
    var real = new DatabaseActivitiesImpl(Map.of("api", Fixtures.settings(db, Fixtures.flyway("flyway/undo"))),
        backups, backups, Clock.systemUTC(), Fixtures.catalog());
    worker.registerActivitiesImplementations(Stream.concat(
        Arrays.stream(world.activitiesExcept(DatabaseActivities.class)), Stream.of(real)).toArray());
    testEnv.start();
    this.client = client;
    this.queue = worker.getTaskQueue();
  }

  private static RunStatus await(WorkflowStub run, Phase phase, String stepDone) throws InterruptedException {
    RunStatus s = null;
    for (int i = 0; i < 600; i++) {
      s = Runs.status(run);
      boolean stepOk = stepDone == null || s.steps().stream()
          .anyMatch(x -> x.id().equals(stepDone) && x.state() == StepState.SUCCEEDED);
      if (s.phase() == phase && stepOk) {
        return s;
      }
      assertThat(s.phase().terminal()).as("ended early: %s", s.outcomeMessage()).isFalse();
      Thread.sleep(100);
    }
    throw new AssertionError("never reached " + phase + " with " + stepDone + " done; last: " + s);
  }

  @Test
  void aRestoreFromAGzipDumpImportsItAsTheRequesterStagesItAndSwapsItIn() throws Exception {
    WorkflowStub run = Runs.start(client, queue, new DatabaseRollbackRequest(
        "api", null, Severity.P1, "orders lost since the bad deploy", FakeWorld.REQUESTER, false, "INC-9",
        DatabaseMode.RESTORE, null, null, null, null, null, null, null, false, dump.toString()));

    RunStatus staged = await(run, Phase.AWAITING_APPROVAL, "measure-discard"); // approvals count once it is shown
    assertThat(staged.steps()).filteredOn(x -> x.id().equals("import-backup")).singleElement()
        .satisfies(x -> assertThat(x.detail()).startsWith("imported as import-").contains("plain-gzip", "schema 3"));
    assertThat(Contents.of(db)).as("nothing reaches the live database before the approval").isEqualTo(damaged);
    Runs.approve(run, "alice");
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).as(result.report().message()).isEqualTo(Phase.SUCCEEDED);
    assertThat(result.backupId()).startsWith("import-");
    assertThat(result.schemaTo()).isEqualTo("3");
    assertThat(Contents.of(db)).isEqualTo(dumped);
    assertThat(Contents.of(result.safetyCopy())).isEqualTo(damaged);
    assertThat(Fixtures.rowsUnder(backups)).singleElement().satisfies(r -> {
      assertThat(r.backupId()).isEqualTo(result.backupId());
      assertThat(r.importedDescription()).isEqualTo("imported by " + FakeWorld.REQUESTER + " from " + dump);
      assertThat(r.workflowId()).isEqualTo("rollback-api");
      assertThat(r.step()).isEqualTo("import-backup");
    });
  }

  @Test
  void theImportWorkflowRecordsTheFileOnceForEveryRequest() {
    var request = new BackupImportRequest("api", dump.toString(), "erin");

    ImportResult first = Runs.importBackup(client, queue, request).getResult(ImportResult.class);
    ImportResult again = Runs.importBackup(client, queue, request).getResult(ImportResult.class);

    assertThat(first.reused()).isFalse();
    assertThat(again.reused()).isTrue();
    assertThat(again.backupId()).isEqualTo(first.backupId());
    BackupRecord row = Fixtures.rowsUnder(backups).stream().filter(r -> r.backupId().equals(first.backupId()))
        .findFirst().orElseThrow();
    assertThat(row.workflowId()).isEqualTo(request.workflowId());
    assertThat(row.step()).isEqualTo("import");
    assertThat(row.importedBy()).isEqualTo("erin");
    assertThat(row.format()).isEqualTo("plain-gzip");
  }
}
