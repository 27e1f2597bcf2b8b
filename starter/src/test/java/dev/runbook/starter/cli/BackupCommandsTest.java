package dev.runbook.starter.cli;

import dev.runbook.starter.cli.CliHarness.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code runbook backup}, {@code runbook backup import} and {@code runbook backups prune} through
 * picocli, the runs going as workflows on the test server with FakeWorld's databases and files;
 * {@code runbook backups} showing who imported what from where, and backup and cleanup runs in the
 * log.
 */
class BackupCommandsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private RunbookClient client;
  private final List<BackupRecord> backupRows = new ArrayList<>();
  private final List<RollbackLogEntry> logRows = new ArrayList<>();

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
  }

  private Result run(String... args) {
    return new CliHarness(client, new MemoryReleases(List.of("api")), Map.of(), logRows, backupRows).run(args);
  }

  @Test
  void backupImportTakesAFileOnTheWorkersAndBackupsSaysWhoImportedItFromWhere() {
    world.databases.get("api").files.put("/backups/db_2026-11-25.sql.gz", 2);

    Result imported = run("backup", "import", "api", "/backups/db_2026-11-25.sql.gz", "--as", "erin");
    Result again = run("backup", "import", "api", "/backups/db_2026-11-25.sql.gz", "--as", "bob", "--json");
    Result relative = run("backup", "import", "api", "backups/db.sql.gz", "--as", "erin");
    Result missing = run("backup", "import", "api", "/backups/none.sql.gz", "--as", "erin");
    Result nothing = run("backup");

    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("imported /backups/db_2026-11-25.sql.gz as backup import-")
        .contains("plain-gzip, 2.0 KiB", "schema 2", "imported by erin from /backups/db_2026-11-25.sql.gz",
            "api on db1:5432 (system 7000000000000000001)", "runbook start database SERVICE --mode restore --backup import-");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("\"reused\" : true", "\"importedBy\" : \"erin\"");
    assertThat(relative.exit()).isEqualTo(2);
    assertThat(relative.err()).contains("FILE 'backups/db.sql.gz' is not an absolute path", "$(realpath backups/db.sql.gz)");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("there is no /backups/none.sql.gz");
    assertThat(nothing.exit()).isEqualTo(2);
    assertThat(nothing.err()).contains("import DATABASE FILE");
    assertThat(world.calls("Database.importBackup")).hasSize(3);

    String id = imported.out().replaceAll("(?s).*as backup (import-[0-9a-f]+) .*", "$1");
    backupRows.add(new BackupRecord(id, "api", "7000000000000000001", "db1", 5432, "api",
        Instant.parse("2026-11-25T03:00:00Z"), 2048, "ab".repeat(32), "2", true, "import-api-0123456789abcdef",
        "run-1", "import", "worker-1", "/var/backups/runbook/api/" + id, null, "plain-gzip", "erin",
        "/backups/db_2026-11-25.sql.gz", Instant.parse("2026-11-26T09:00:00Z")));
    assertThat(run("backups", "api").out()).contains(id, "imported by erin from /backups/db_2026-11-25.sql.gz");
  }

  @Test
  void backupStartsARunOfItsOwnAndWatchFollowsItToTheEnd() {
    Result r = run("backup", "api", "--as", "erin", "-r", "before the migration", "--watch");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("started backup-api-[0-9a-f]{8} \\(run ")
        .contains("[ok]     Back up api with pg_dump and verify it")
        .containsPattern("succeeded: backup bk-[0-9a-f]+ of api taken: 1024 bytes, schema 3, verified");
    String id = r.out().lines().findFirst().orElseThrow().split(" ")[1];
    Result status = run("status", id);
    assertThat(status.out()).startsWith(id + "  backup of api\n").contains("requested by erin")
        .contains(": before the migration");
    assertThat(world.calls("Database.backup")).containsExactly("Database.backup api");

    Result bad = run("backup", "Shop DB");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("DATABASE 'Shop DB' is not a database name");
  }

  @Test
  void pruneShowsWhatWouldGoInADryRunThenRemovesItAndSaysWhatItKept() {
    world.retention.expired(Leftover.SAFETY_COPY, "api", "api__before_1a2b3c4d", "kept 7d; swapped out 9d ago");
    world.retention.expired(Leftover.LOCK_FILE, "api", ".api-old.lock", "nothing holds it");
    world.retention.kept(Leftover.SAFETY_COPY, "api", "api__before_9f8e7d6c", "the newest safety copy is always kept");

    Result dry = run("backups", "prune", "api", "--dry-run", "--as", "erin");
    assertThat(dry.exit()).as(dry.err()).isZero();
    List<String> lines = dry.out().lines().toList();
    assertThat(lines.subList(0, 4)).containsExactly(
        "DRY RUN: nothing is removed; this is what would go",
        "KIND         DATABASE  NAME                  WOULD GO BECAUSE",
        "safety copy  api       api__before_1a2b3c4d  kept 7d; swapped out 9d ago",
        "lock file    api       .api-old.lock         nothing holds it");
    assertThat(lines.subList(4, 6)).containsExactly(
        "kept on purpose:",
        "  safety copy api__before_9f8e7d6c (api): the newest safety copy is always kept");
    assertThat(lines.get(6)).matches("cleanup-api-[0-9a-f]{8}: succeeded: dry run: would remove 1 safety copy,"
        + " 1 lock file; kept 1 on purpose .*");
    assertThat(world.retention.present()).hasSize(3);

    Result real = run("backups", "prune", "api", "--as", "erin");
    assertThat(real.exit()).isZero();
    assertThat(real.out()).contains("REMOVED BECAUSE").doesNotContain("DRY RUN");
    assertThat(world.retention.present()).extracting(i -> i.name()).containsExactly("api__before_9f8e7d6c");
  }

  @Test
  void theLogAndTheListShowBackupAndCleanupRunsForWhatTheyAre() {
    logRows.add(new RollbackLogEntry("backup-shop-1a2b3c4d", "r1", "backup", null, List.of("shop"),
        Instant.parse("2026-11-21T03:00:00Z"), Instant.parse("2026-11-21T03:00:04Z"), null,
        "rollback-shop-1a2b-backup-0123456789ab", "scheduled backup (0 3 * * * (UTC))", "schedule", null, false,
        4_000L, "succeeded", "backup taken", false));
    logRows.add(new RollbackLogEntry("cleanup-0f0f0f0f", "r2", "cleanup", null, List.of(),
        Instant.parse("2026-11-21T04:30:00Z"), Instant.parse("2026-11-21T04:30:01Z"), null, null,
        "cleanup on demand", "erin", null, true, 1_000L, "succeeded", "dry run: nothing to remove", false));

    assertThat(run("log").out().lines().toList()).containsExactly(
        "DATE              SERVICE                  FROM  TO                                      DURATION  OUTCOME"
            + "              REASON",
        "2026-11-21 03:00  backup: shop             -     rollback-shop-1a2b-backup-0123456789ab  4s        succeeded"
            + "            scheduled backup (0 3 * * * (UTC))",
        "2026-11-21 04:30  cleanup: every database  -     -                                       1s        succeeded"
            + " (dry run)  cleanup on demand");
    assertThat(run("list").out().lines().toList()).containsExactly(
        "RUN                   RUNBOOK  SEV  STARTED           STATE                BY",
        "backup-shop-1a2b3c4d  backup   -    2026-11-21 03:00  succeeded            schedule",
        "cleanup-0f0f0f0f      cleanup  -    2026-11-21 04:30  succeeded (dry run)  erin");
  }
}
