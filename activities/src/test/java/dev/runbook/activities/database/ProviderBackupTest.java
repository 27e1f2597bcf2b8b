package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.activities.RetentionActivities.PruneRequest;
import dev.runbook.workflows.activities.RetentionActivities.Removal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database whose provider keeps the backups (Render, Heroku), through the same templates: the
 * backup command has the provider take one and writes the provider's ID into {@code
 * {dir}/backup-id}; verify and restore get that ID as {@code {backup}}. The provider is a
 * stand-in CLI (a script keeping its backups in files), driven as a real child process.
 */
class ProviderBackupTest {
  private static final String NAME = "worker";

  @TempDir Path dir;
  private Path state;
  private DatabaseActivitiesImpl adapter;

  @BeforeEach
  void aManagedDatabase() throws IOException {
    state = dir.resolve("provider");
    Files.createDirectories(state);
    Files.writeString(state.resolve("db"), "rows of the day before\n");
    String cli = Fixtures.resource("provider/provider.sh").toString();
    var templates = new CommandEngineSettings(
        List.of("sh", cli, state.toString(), "identity"),
        List.of("sh", cli, state.toString(), "capture", "{dir}"),
        List.of("sh", cli, state.toString(), "done", "{backup}"),
        List.of("sh", cli, state.toString(), "restore", "{backup}"),
        null, null, null, null, Map.of(), null);
    var settings = new DatabaseSettings(null, null, "shop-worker-db", null, null, null, null, null, null,
        Duration.ofMinutes(1), null, null, null, null, new BackupRetention(1, null), DatabaseSettings.COMMAND,
        templates, null, null, null);
    assertThat(settings.problems("databases." + NAME)).isEmpty();
    adapter = new DatabaseActivitiesImpl(Map.of(NAME, settings), dir.resolve("backups"), dir, Clock.systemUTC(),
        Fixtures.catalog());
  }

  @Test
  void theProvidersBackupIdIsKeptAndRestoredWithOnce() throws IOException {
    BackupResult first = adapter.backup(new BackupRequest(NAME, "rollback-worker/p1/backup", false));
    BackupResult second = adapter.backup(new BackupRequest(NAME, "rollback-worker/p1/backup", false));
    assertThat(second.reused()).isTrue();
    assertThat(Files.readString(Path.of(first.path(), "dump", "backup-id")).strip()).isEqualTo("b1");
    assertThat(Files.list(state.resolve("backups")).count()).as("the provider took one backup").isEqualTo(1);
    assertThat(first.source().systemIdentifier()).isEqualTo("managed-db-7f3a");
    assertThat(first.source().describe()).isEqualTo("shop-worker-db on localhost (system managed-db-7f3a)");

    assertThat(adapter.resolveBackup(new ResolveBackupRequest(NAME, first.backupId(), false)).planned())
        .contains("sh " + Fixtures.resource("provider/provider.sh") + " " + state + " done b1");
    Files.writeString(state.resolve("db"), "rows lost today\n");
    RestoreResult plan = adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, first.backupId(), "rollback-worker/p2/restore", true));
    assertThat(plan.planned().get(0)).endsWith(" restore b1");
    for (int attempt = 0; attempt < 2; attempt++) {
      adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, first.backupId(), "rollback-worker/p2/restore", false));
    }

    assertThat(Files.readString(state.resolve("db"))).isEqualTo("rows of the day before\n");
    assertThat(Files.readAllLines(state.resolve("restores"))).containsExactly("b1");
  }

  @Test
  void aBackupTheProviderNoLongerHasCannotBeUsedAndABadIdIsRefusedAtBackupTime() throws IOException {
    BackupResult taken = adapter.backup(new BackupRequest(NAME, "rollback-worker/p3/backup", false));
    Files.delete(state.resolve("backups").resolve("b1"));

    var gone = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, taken.backupId(), false)),
        FailureType.BACKUP_CORRUPT);
    assertThat(gone.getOriginalMessage()).contains("databases.worker.command.verify cannot read it", "done b1");

    Files.writeString(state.resolve("db"), "x\n");
    String cli = Fixtures.resource("provider/provider.sh").toString();
    var writesJunk = new CommandEngineSettings(List.of("sh", cli, state.toString(), "identity"),
        List.of("sh", "-c", "printf 'b2; rm -rf /\\n' > \"$0/backup-id\"", "{dir}"),
        List.of("true", "{backup}"), List.of("true", "{backup}"), null, null, null, null, Map.of(), null);
    var junk = new DatabaseActivitiesImpl(Map.of(NAME, new DatabaseSettings(null, null, "shop-worker-db", null, null,
        null, null, null, null, Duration.ofMinutes(1), null, null, null, null, null, DatabaseSettings.COMMAND,
        writesJunk, null, null, null)), dir.resolve("backups"), dir, Clock.systemUTC(), Fixtures.catalog());
    var refused = failure(() -> junk.backup(new BackupRequest(NAME, "rollback-worker/p4/backup", false)),
        FailureType.INVALID_INPUT);
    assertThat(refused.getOriginalMessage()).contains("a provider's backup ID must be one line");
  }

  @Test
  void retentionRemovesTheOlderBackupsFilesAndLockFilesOnlyAndNeverConnectsAsIfItWerePostgresql() throws IOException {
    BackupResult older = adapter.backup(new BackupRequest(NAME, "rollback-worker/r1/backup", false));
    BackupResult newer = adapter.backup(new BackupRequest(NAME, "rollback-worker/r2/backup", false));
    // No PostgreSQL answers for this database (its port is 0): looking for staged copies there
    // would fail the prune. They are the engine's own.
    var retention = new RetentionActivitiesImpl(adapter, tag -> new RunLiveness.Run(RunLiveness.State.UNKNOWN, null,
        "no such run"), Clock.systemUTC());

    var first = retention.prune(new PruneRequest(NAME, "cleanup-worker-1a2b3c4d/prune", false));
    var again = retention.prune(new PruneRequest(NAME, "cleanup-worker-1a2b3c4d/prune", false));

    assertThat(first.removed()).extracting(Removal::kind, Removal::name).contains(
        org.assertj.core.groups.Tuple.tuple(Leftover.BACKUP, older.backupId()));
    assertThat(first.removed()).extracting(Removal::kind)
        .containsOnly(Leftover.BACKUP, Leftover.LOCK_FILE)
        .doesNotContain(Leftover.SAFETY_COPY, Leftover.STAGING_DATABASE);
    assertThat(Files.exists(Path.of(older.path()))).isFalse();
    assertThat(Files.exists(Path.of(newer.path()))).as("the newest verified backup stays").isTrue();
    assertThat(again.removed()).extracting(Removal::name).containsExactlyElementsOf(
        first.removed().stream().map(Removal::name).toList());
    assertThat(state.resolve("restores")).as("the provider was never asked to restore").doesNotExist();
  }
}
