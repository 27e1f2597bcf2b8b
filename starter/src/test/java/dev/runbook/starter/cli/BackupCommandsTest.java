package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.ImportClient;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code runbook backup import} through picocli, the import running as a workflow on the test
 * server with FakeWorld's files, and {@code runbook backups} showing who imported what from where.
 */
class BackupCommandsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private RunbookClient client;
  private final List<BackupRecord> backupRows = new ArrayList<>();

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
  }

  /** What one invocation printed and returned. */
  record Result(int exit, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext context = new CliContext() {
      @Override
      public RunbookClient client() {
        return client;
      }

      @Override
      public RollbackLog log() {
        return (limit, service, open) -> List.of();
      }

      @Override
      public Releases releases() {
        return new MemoryReleases(List.of("api"));
      }

      @Override
      public BackupList backups() {
        return (database, limit) -> backupRows.stream()
            .filter(b -> database == null || b.database().equals(database)).limit(limit).toList();
      }

      @Override
      public BackupImports imports() {
        return new ImportClient(client);
      }

      @Override
      public Map<String, Environment> environments() {
        return Map.of();
      }
    };
    CommandLine cli = RunbookCli.build(context, Map.of());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
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
}
