package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/backups} on the real server, and what a database start does with a backup
 * ID: a file path is refused naming where the IDs are, a cross-restore reaches the run.
 */
class ApiBackupsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String BACKUPS = "/api/v1/backups";

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private static BackupRecord backup(String id, String database, String systemId, int port, String at) {
    return new BackupRecord(id, database, systemId, "db" + port, port, database + "_production",
        Instant.parse(at), 55_440, "ab".repeat(32), "3", true, "rollback-" + database, "run-" + id, "backup",
        "worker-1", "/var/backups/runbook/" + database + "/" + id, null);
  }

  @Test
  void theBackupsComeNewestFirstWithTheDatabaseEachCameFromAndWhoTookIt() {
    api.backups.rows.add(backup("rollback-api-b2-backup-000000000002", "api", "7000000000000000002", 5433,
        "2026-11-21T10:05:00Z"));
    api.backups.rows.add(backup("rollback-api-b1-backup-000000000001", "api", "7000000000000000001", 5432,
        "2026-11-21T10:00:00Z"));
    api.backups.rows.add(backup("rollback-web-w1-backup-000000000003", "web", "7000000000000000001", 5432,
        "2026-11-21T09:00:00Z"));

    var all = api.get(BACKUPS, "dave");
    var api1 = api.get(BACKUPS + "?database=api&limit=1", "dave");

    assertThat(all.status()).as(all.body()).isEqualTo(200);
    assertThat(all.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    JsonNode rows = all.json().path("backups");
    assertThat(rows).hasSize(3);
    JsonNode first = rows.get(0);
    assertThat(first.path("backupId").asText()).isEqualTo("rollback-api-b2-backup-000000000002");
    assertThat(first.path("systemIdentifier").asText()).isEqualTo("7000000000000000002");
    assertThat(first.path("host").asText()).isEqualTo("db5433");
    assertThat(first.path("port").asInt()).isEqualTo(5433);
    assertThat(first.path("physicalDatabase").asText()).isEqualTo("api_production");
    assertThat(first.path("createdAt").asText()).isEqualTo("2026-11-21T10:05:00Z");
    assertThat(first.path("sizeBytes").asLong()).isEqualTo(55_440);
    assertThat(first.path("schemaVersion").asText()).isEqualTo("3");
    assertThat(first.path("verified").asBoolean()).isTrue();
    assertThat(first.path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(first.path("step").asText()).isEqualTo("backup");
    assertThat(first.path("location").asText()).endsWith("/api/rollback-api-b2-backup-000000000002");
    assertThat(first.path("removedAt").isNull()).isTrue();
    assertThat(api1.status()).isEqualTo(200);
    assertThat(api1.json().path("backups")).singleElement()
        .satisfies(r -> assertThat(r.path("backupId").asText()).isEqualTo("rollback-api-b2-backup-000000000002"));
    assertThat(api.backups.asked).containsExactly("null 50", "api 1");
  }

  @Test
  void badQueriesAreNamedAnUnreadableCatalogIs503AndATokenIsNeeded() {
    var badName = api.get(BACKUPS + "?database=Shop%20DB", "dave");
    var badLimit = api.get(BACKUPS + "?limit=0", "dave");
    var unknown = api.get(BACKUPS + "?service=api", "dave");
    var anonymous = api.get(BACKUPS, null);
    api.backups.failure = new IllegalStateException("connection refused");
    var down = api.get(BACKUPS, "dave");

    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.message()).contains("database 'Shop DB' is not a valid name");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.message()).contains("limit '0' is out of range: use 1 to 500");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.message()).contains("unknown query parameter 'service'", "database, limit");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.message()).contains("the backups cannot be read right now");
    assertThat(down.body()).doesNotContain("connection refused");
  }

  @Test
  void aBackupFileInsteadOfAnIdIsRefusedBeforeAnythingStarts() {
    var file = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P1", "reason": "restore last night", "mode": "restore",
         "backupId": "/backups/db_2026-11-25.sql.gz"}""");
    var crossWithoutId = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P1", "reason": "copy", "mode": "restore", "crossRestore": true}""");

    assertThat(file.status()).isEqualTo(400);
    assertThat(file.message()).contains("backupId takes a backup ID, not a file", "/backups/db_2026-11-25.sql.gz",
        "runbook backups api");
    assertThat(crossWithoutId.status()).isEqualTo(400);
    assertThat(crossWithoutId.message()).contains("crossRestore needs backupId");
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void aCrossRestoreAskedForInTheBodyReachesTheRun() {
    api.world.databases.get("api").backups.put("prod-copy", 2);
    api.world.databases.get("api").foreign.put("prod-copy", "7000000000000000002");

    var r = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P1", "reason": "copy production into staging", "mode": "restore",
         "backupId": "prod-copy", "crossRestore": true}""");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    RunStatus waiting = api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    assertThat(waiting.steps()).filteredOn(s -> s.id().equals("resolve-backup")).singleElement()
        .satisfies(s -> assertThat(s.detail()).contains("CROSS-RESTORE asked for", "(system 7000000000000000002)"));
  }
}
