package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.exists;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityReport;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertResult;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTarget;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Flyway database at version 3 (applied by Flyway): back it up, revert to 2, restore the backup
 * in place and by staged swap, and each time compare against snapshots taken right after Flyway
 * applied 2 and 3. Every step runs twice with the same key and does its work once.
 */
class FlywayRevertAndRestoreTest {
  @TempDir Path backups;

  @Test
  void revertTo2ThenRestoreInPlaceAndBySwapBringBackExactly3() throws Exception {
    String db = TestPostgres.freshDatabase("flyway");
    Fixtures.flywayMigrate(db, "2");
    Snapshot after2 = Snapshot.of(db);
    Fixtures.flywayMigrate(db, "3");
    Snapshot after3 = Snapshot.of(db);
    assertThat(after3).isNotEqualTo(after2);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo"),
        List.of(new IntegrityCheck("customers present", "select count(*) from customers",
            BigDecimal.ONE, null, null))), backups);

    BackupResult backup = adapter.backup(new BackupRequest(NAME, "rollback-shop/backup", false));
    BackupResult again = adapter.backup(new BackupRequest(NAME, "rollback-shop/backup", false));
    assertThat(backup.reused()).isFalse();
    assertThat(backup.schemaVersion()).isEqualTo("3");
    assertThat(backup.sizeBytes()).isPositive();
    assertThat(backup.planned()).anySatisfy(p -> assertThat(p).contains("pg_dump", "--format=directory", "--jobs=2"));
    assertThat(again.reused()).isTrue();
    assertThat(again.backupId()).isEqualTo(backup.backupId());
    assertThat(again.sha256()).isEqualTo(backup.sha256());
    assertThat(Files.list(backups.resolve(NAME)).filter(Files::isDirectory)).hasSize(1);
    assertThat(Files.readString(Path.of(backup.path(), "manifest.json"))).contains("\"verified\" : true");

    SchemaTarget target = adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, "2", null, false));
    assertThat(target.currentVersion()).isEqualTo("3");
    assertThat(target.toRevert()).containsExactly("3: U3__price_in_cents.sql");
    assertThat(target.planned()).containsExactly("SELECT installed_rank, version, type FROM"
        + " \"flyway_schema_history\" WHERE success AND version IS NOT NULL ORDER BY installed_rank");

    RevertResult reverted = adapter.revertMigrations(new RevertRequest(NAME, "2", "rollback-shop/revert", false));
    RevertResult revertedAgain = adapter.revertMigrations(new RevertRequest(NAME, "2", "rollback-shop/revert", false));
    assertThat(reverted.changed()).isTrue();
    assertThat(reverted.fromVersion()).isEqualTo("3");
    assertThat(reverted.reverted()).containsExactly("3");
    assertThat(reverted.planned()).anySatisfy(p -> assertThat(p).startsWith("-- U3__price_in_cents.sql"));
    assertThat(revertedAgain.changed()).isFalse();
    assertThat(revertedAgain.reverted()).isEmpty();
    assertThat(Snapshot.of(db)).isEqualTo(after2);

    BackupInfo resolved = adapter.resolveBackup(new ResolveBackupRequest(NAME, null, false));
    assertThat(resolved.backupId()).isEqualTo(backup.backupId());
    assertThat(resolved.verified()).isTrue();
    assertThat(resolved.schemaVersion()).isEqualTo("3");

    var inPlace = new InPlaceRestoreRequest(NAME, backup.backupId(), "rollback-shop/restore-in-place", false);
    RestoreResult restored = adapter.restoreInPlace(inPlace);
    assertThat(restored.changed()).isTrue();
    assertThat(restored.planned()).contains("DROP SCHEMA IF EXISTS \"public\" CASCADE;")
        .anySatisfy(p -> assertThat(p).contains("pg_restore", "--jobs=2").doesNotContain("--clean"));
    assertThat(Snapshot.of(db)).isEqualTo(after3);
    assertThat(adapter.restoreInPlace(inPlace).changed()).isFalse();

    // Back to 2 again, then the staged swap.
    adapter.revertMigrations(new RevertRequest(NAME, "2", "rollback-shop/revert-2", false));
    assertThat(Snapshot.of(db)).isEqualTo(after2);
    var staged = new StagedRestoreRequest(NAME, backup.backupId(), "r1", "rollback-shop/stage", false);
    RestoreResult stagedResult = adapter.restoreStaged(staged);
    assertThat(stagedResult.changed()).isTrue();
    assertThat(stagedResult.target()).isEqualTo(db + "__rb_r1");
    assertThat(adapter.restoreStaged(staged).changed()).isFalse();
    assertThat(Snapshot.of(db + "__rb_r1")).isEqualTo(after3);

    IntegrityReport report = adapter.checkIntegrity(new IntegrityRequest(NAME, "r1", "3", true, false));
    assertThat(report.passed()).isTrue();
    assertThat(report.schemaVersion()).isEqualTo("3");
    var liveReport = failure(() -> adapter.checkIntegrity(new IntegrityRequest(NAME, null, "3", true, false)),
        FailureType.INTEGRITY_CHECK_FAILED);
    assertThat(liveReport.getOriginalMessage()).contains("schema version: is 2, expected 3");

    var swapRequest = new SwapRequest(NAME, "r1", "rollback-shop/swap", false);
    SwapResult swapped = adapter.swap(swapRequest);
    assertThat(swapped.changed()).isTrue();
    assertThat(swapped.safetyName()).isEqualTo(db + "__before_r1");
    assertThat(adapter.swap(swapRequest).changed()).isFalse();
    assertThat(Snapshot.of(db)).isEqualTo(after3);
    assertThat(Snapshot.of(db + "__before_r1")).isEqualTo(after2);
    assertThat(exists(db + "__rb_r1")).isFalse();

    var back = new SwapRequest(NAME, "r1", "rollback-shop/swap-back", false);
    assertThat(adapter.swapBack(back).changed()).isTrue();
    assertThat(adapter.swapBack(back).changed()).isFalse();
    assertThat(Snapshot.of(db)).isEqualTo(after2);
    assertThat(exists(db + "__before_r1")).isFalse();

    var drop = new SwapRequest(NAME, "r1", "rollback-shop/drop", false);
    assertThat(adapter.dropStaging(drop).changed()).isTrue();
    assertThat(adapter.dropStaging(drop).changed()).isFalse();
    assertThat(exists(db + "__rb_r1")).isFalse();
    assertThat(exists(db)).isTrue();
  }

  @Test
  void aFailingUndoScriptLeavesTheSchemaExactlyAsItWas() {
    String db = TestPostgres.freshDatabase("flyway_broken");
    Fixtures.flywayMigrate(db, "3");
    Snapshot before = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/broken-undo")), backups);

    ApplicationFailure f = failure(
        () -> adapter.revertMigrations(new RevertRequest(NAME, "1", "k", false)), FailureType.MIGRATION_FAILED);

    assertThat(f.getOriginalMessage()).contains("U2__seed_and_index.sql", "division by zero", "still at version 3");
    assertThat(Snapshot.of(db)).isEqualTo(before); // U3 ran and was rolled back with U2
  }

  @Test
  void aLockHeldByAnApplicationFailsTheRevertRetryablyAndChangesNothing() throws Exception {
    String db = TestPostgres.freshDatabase("flyway_locked");
    Fixtures.flywayMigrate(db, "3");
    Snapshot before = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), backups);

    try (java.sql.Connection app = TestPostgres.connect(db)) {
      app.setAutoCommit(false);
      app.createStatement().executeQuery("select count(*) from items").close(); // holds its lock until commit
      ApplicationFailure f = failure(
          () -> adapter.revertMigrations(new RevertRequest(NAME, "2", "k", false)), FailureType.UNAVAILABLE);
      assertThat(f.getOriginalMessage()).contains("U3__price_in_cents.sql", "lock timeout", "still at version 3");
      assertThat(Snapshot.of(db)).isEqualTo(before);
      app.commit();
    }

    assertThat(adapter.revertMigrations(new RevertRequest(NAME, "2", "k", false)).changed()).isTrue();
  }

  @Test
  void aMissingUndoScriptIsRefusedBeforeAnythingRuns() {
    String db = TestPostgres.freshDatabase("flyway_missing");
    Fixtures.flywayMigrate(db, "3");
    Snapshot before = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), backups);

    ApplicationFailure resolve = failure(() -> adapter.resolveSchemaTarget(
        new SchemaTargetRequest(NAME, null, "0", null, false)), FailureType.MISSING_UNDO_SCRIPT);
    ApplicationFailure revert = failure(
        () -> adapter.revertMigrations(new RevertRequest(NAME, "0", "k", false)), FailureType.MISSING_UNDO_SCRIPT);

    assertThat(resolve.getOriginalMessage()).contains("migration 1", "U1__<description>.sql");
    assertThat(revert.getOriginalMessage()).contains("migration 1");
    assertThat(Snapshot.of(db)).isEqualTo(before);
  }

  @Test
  void theTargetComesFromTheRequestTheAppVersionOrAStepCount() {
    String db = TestPostgres.freshDatabase("flyway_target");
    Fixtures.flywayMigrate(db, "3");
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), backups);

    assertThat(adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, "2.4.0", null, null, false)).targetVersion())
        .isEqualTo("2");
    SchemaTarget twoBack = adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, null, 2, false));
    assertThat(twoBack.targetVersion()).isEqualTo("1");
    assertThat(twoBack.toRevert()).containsExactly("3: U3__price_in_cents.sql", "2: U2__seed_and_index.sql");
    assertThat(adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, null, null, false)).targetVersion())
        .isEqualTo("2");
    failure(() -> adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, "9.9.9", null, null, false)),
        FailureType.UNKNOWN_VERSION);
    failure(() -> adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, "4", null, false)),
        FailureType.INVALID_INPUT);
    failure(() -> adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, "1.5", null, false)),
        FailureType.UNKNOWN_VERSION);
  }

  @Test
  void dryRunsPlanTheExactCommandsAndSqlAndChangeNothing() {
    String db = TestPostgres.freshDatabase("flyway_dry");
    Fixtures.flywayMigrate(db, "3");
    Snapshot before = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), backups);

    BackupResult plan = adapter.backup(new BackupRequest(NAME, "k", true));
    assertThat(plan.planned().get(0)).contains("pg_dump --format=directory --jobs=2 --file=", "--dbname=" + db);
    assertThat(plan.planned().toString()).doesNotContain(Fixtures.password().reveal());
    assertThat(backups.resolve(NAME)).doesNotExist();

    RevertResult revert = adapter.revertMigrations(new RevertRequest(NAME, "1", "k", true));
    assertThat(revert.changed()).isFalse();
    assertThat(revert.reverted()).containsExactly("3", "2");
    assertThat(revert.planned()).first().isEqualTo("BEGIN");
    assertThat(revert.planned()).contains("SET LOCAL lock_timeout = '2000ms'",
        "LOCK TABLE \"flyway_schema_history\" IN ACCESS EXCLUSIVE MODE", "COMMIT");
    assertThat(revert.planned()).anySatisfy(p -> assertThat(p).contains("-- U2__seed_and_index.sql", "drop index items_customer_idx"));
    assertThat(revert.planned()).anySatisfy(p -> assertThat(p).matches("DELETE FROM \"flyway_schema_history\" WHERE installed_rank IN \\(\\d+, \\d+\\)"));
    assertThat(adapter.checkIntegrity(new IntegrityRequest(NAME, null, "1", true, true)).passed()).isTrue();
    assertThat(Snapshot.of(db)).isEqualTo(before);
  }
}
