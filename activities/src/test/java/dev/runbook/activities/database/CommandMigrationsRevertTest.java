package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertResult;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command kind, driving a real migration tool (a shell script in test resources that keeps
 * its versions in a table and runs psql) as argv, the way {@code npm run db:down} would be.
 */
class CommandMigrationsRevertTest {
  @TempDir Path backups;

  private final String script = Fixtures.resource("command/migrate.sh").toString();
  private final String psql = TestPostgres.server().binDir().resolve("psql").toString();

  private List<String> tool(String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("sh", script, psql));
    argv.addAll(List.of(args));
    return argv;
  }

  private MigrationSettings stepwise() {
    return new MigrationSettings(MigrationSettings.COMMAND, null, null, tool("down"), null,
        tool("current"), null, tool("applied"), null);
  }

  private void migrateUp(String db, int to) {
    var pg = TestPostgres.server();
    var r = new CommandRunner().run(new Command(tool("up", Integer.toString(to)),
        Map.of("PGHOST", pg.host(), "PGPORT", Integer.toString(pg.port()), "PGDATABASE", db,
            "PGUSER", pg.user(), "PGPASSWORD", pg.password().reveal()), null, Duration.ofMinutes(1)));
    assertThat(r.ok()).as(r.tail(500)).isTrue();
  }

  @Test
  void downRunsOncePerStepUntilTheTargetAndTheSecondCallDoesNothing() {
    String db = TestPostgres.freshDatabase("cmd");
    migrateUp(db, 1);
    Snapshot after1 = Snapshot.of(db);
    migrateUp(db, 3);
    var adapter = Fixtures.adapter(Fixtures.settings(db, stepwise()), backups);

    var target = adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, null, 2, false));
    assertThat(target.currentVersion()).isEqualTo("3");
    assertThat(target.targetVersion()).isEqualTo("1");
    assertThat(target.toRevert()).hasSize(2).allSatisfy(s -> assertThat(s).contains("migrate.sh", "down"));

    RevertResult first = adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false));
    RevertResult second = adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false));

    assertThat(first.reverted()).containsExactly("3", "2");
    assertThat(first.changed()).isTrue();
    assertThat(second.changed()).isFalse();
    assertThat(Snapshot.of(db)).isEqualTo(after1);
  }

  @Test
  void downToGetsTheVersionAsOneArgumentAndAnInjectedVersionIsRefused() {
    String db = TestPostgres.freshDatabase("cmd_to");
    migrateUp(db, 2);
    Snapshot after2 = Snapshot.of(db);
    migrateUp(db, 3);
    var settings = new MigrationSettings(MigrationSettings.COMMAND, null, null, null,
        tool("down-to", MigrationSettings.VERSION_PLACEHOLDER), tool("current"), null, null, null);
    var adapter = Fixtures.adapter(Fixtures.settings(db, settings), backups);

    var injected = failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "v1; rm -rf /", "k", false)),
        FailureType.INVALID_INPUT);
    assertThat(injected.getOriginalMessage()).contains("'v1; rm -rf /' is not a migration version");
    RevertResult r = adapter.revertMigrations(new RevertRequest(NAME, "2", "k", false));

    assertThat(r.planned().get(0)).endsWith("migrate.sh " + psql + " down-to 2");
    assertThat(r.toVersion()).isEqualTo("2");
    assertThat(Snapshot.of(db)).isEqualTo(after2);
  }

  @Test
  void aDownCommandThatDoesNotLowerTheVersionIsCaught() {
    String db = TestPostgres.freshDatabase("cmd_noop");
    migrateUp(db, 3);
    var settings = new MigrationSettings(MigrationSettings.COMMAND, null, null, List.of("true"), null,
        null, "select max(version) from app_migrations", null, null);
    var adapter = Fixtures.adapter(Fixtures.settings(db, settings), backups);

    var f = failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false)),
        FailureType.MIGRATION_FAILED);

    assertThat(f.getOriginalMessage()).contains("stayed at version 3");
  }

  @Test
  void aFailingCommandIsRetryableAndItsOutputCarriesNoPassword() {
    String db = TestPostgres.freshDatabase("cmd_fail");
    migrateUp(db, 1);
    // The tool prints its environment (which holds the password) and fails.
    var settings = new MigrationSettings(MigrationSettings.COMMAND, null, null,
        List.of("sh", "-c", "env; exit 3"), null, tool("current"), null, null, null);
    var adapter = Fixtures.adapter(Fixtures.settings(db, settings), backups);

    var f = failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "0", "k", false)),
        FailureType.COMMAND_FAILED);

    assertThat(f.getOriginalMessage()).contains("exited 3", "PGPASSWORD=****")
        .doesNotContain(Fixtures.password().reveal());
  }
}
