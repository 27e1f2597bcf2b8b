package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/backups/imports} on the real server, with the import running as a workflow
 * on the test worker: the token's person imports, the same file is one backup, refusals name
 * the problem, and a database start with a backup file reaches the run.
 */
class ApiImportTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String IMPORTS = "/api/v1/backups/imports";
  private static final String FILE = "/backups/db_2026-11-25.sql.gz";

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
    api.world.databases.get("api").files.put(FILE, 2);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  @Test
  void theTokensPersonImportsAFileOnceAndAgainGetsTheSameBackup() {
    var first = api.post(IMPORTS, "erin", "{\"database\": \"api\", \"file\": \"" + FILE + "\"}");
    var again = api.post(IMPORTS, "bob", "{\"database\": \"api\", \"file\": \"" + FILE + "\"}");

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("Location")).isEqualTo("/api/v1/backups?database=api");
    JsonNode b = first.json();
    assertThat(b.path("backupId").asText()).startsWith("import-");
    assertThat(b.path("database").asText()).isEqualTo("api");
    assertThat(b.path("format").asText()).isEqualTo("plain-gzip");
    assertThat(b.path("schemaVersion").asText()).isEqualTo("2");
    assertThat(b.path("importedBy").asText()).isEqualTo("erin");
    assertThat(b.path("importedFrom").asText()).isEqualTo(FILE);
    assertThat(b.path("source").path("systemIdentifier").asText()).isEqualTo("7000000000000000001");
    assertThat(b.path("reused").asBoolean()).isFalse();
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().path("backupId").asText()).isEqualTo(b.path("backupId").asText());
    assertThat(again.json().path("importedBy").asText()).as("the first import's origin stays").isEqualTo("erin");
    assertThat(api.world.calls("Database.importBackup")).containsExactly(
        "Database.importBackup api " + FILE + " by erin", "Database.importBackup api " + FILE + " by bob");
  }

  @Test
  void refusalsSayWhatIsWrongAndImportNothing() {
    var missing = api.post(IMPORTS, "erin", "{\"database\": \"api\", \"file\": \"/backups/none.sql.gz\"}");
    var relative = api.post(IMPORTS, "erin", "{\"database\": \"api\", \"file\": \"backups/db.sql.gz\"}");
    var asSomeoneElse = api.post(IMPORTS, "erin",
        "{\"database\": \"api\", \"file\": \"" + FILE + "\", \"importedBy\": \"alice\"}");
    var noFile = api.post(IMPORTS, "erin", "{\"database\": \"api\"}");
    var notAStarter = api.post(IMPORTS, "dave", "{\"database\": \"api\", \"file\": \"" + FILE + "\"}");
    var anonymous = api.post(IMPORTS, null, "{\"database\": \"api\", \"file\": \"" + FILE + "\"}");

    assertThat(missing.status()).as(missing.body()).isEqualTo(422);
    assertThat(missing.error()).isEqualTo("import_refused");
    assertThat(missing.message()).contains("there is no /backups/none.sql.gz");
    assertThat(relative.status()).isEqualTo(400);
    assertThat(relative.message()).contains("file 'backups/db.sql.gz' is not an absolute path");
    assertThat(asSomeoneElse.status()).isEqualTo(400);
    assertThat(asSomeoneElse.message()).contains("importedBy");
    assertThat(noFile.status()).isEqualTo(400);
    assertThat(noFile.message()).contains("file is required");
    assertThat(notAStarter.status()).isEqualTo(403);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(api.world.calls("Database.importBackup")).containsExactly(
        "Database.importBackup api /backups/none.sql.gz by erin");
    assertThat(api.world.databases.get("api").backups).doesNotContainKey("import-");
  }

  @Test
  void aDatabaseStartWithABackupFileImportsItAsTheRequesterInTheRun() {
    var r = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P1", "reason": "restore last night's dump", "mode": "restore",
         "backupFile": "%s"}""".formatted(FILE));
    var both = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P1", "reason": "x", "mode": "restore", "backupFile": "%s",
         "backupId": "api-nightly"}""".formatted(FILE));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    RunStatus waiting = api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    assertThat(waiting.steps()).filteredOn(s -> s.id().equals("import-backup")).singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith("imported as import-"));
    assertThat(api.world.calls("Database.importBackup")).containsExactly("Database.importBackup api " + FILE + " by erin");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.message()).contains("give backupId or backupFile, not both");
  }
}
