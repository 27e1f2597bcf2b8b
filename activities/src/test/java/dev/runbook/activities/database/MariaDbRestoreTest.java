package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.failure;
import static dev.runbook.activities.database.MariaDbFixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestMariaDb;
import dev.runbook.activities.support.TestMariaDb.Server;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityReport;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertResult;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTarget;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reverts and restores of a MariaDB database through {@code engine: command}, each activity called
 * twice as a retry would: the migration tool reverts once, an in-place restore runs once after
 * its safety backup, a staged restore goes into the run's staging copy and swaps names once.
 */
class MariaDbRestoreTest {
  @TempDir Path root;
  private final Server maria = TestMariaDb.server();
  private String db;

  @BeforeEach
  void aDatabaseAtSchema3() {
    db = TestMariaDb.freshDatabase("orders");
    MariaDbFixtures.migrateUp(maria, db, 3);
  }

  private long orders(String database) {
    return maria.number(database, "select count(*) from orders");
  }

  @Test
  void theEmergencyStepsBackUpRevertOnceAndVerifyTheSchemaAndTheChecks() {
    var adapter = MariaDbFixtures.adapter(MariaDbFixtures.settings(maria, db, false, true), root);

    SchemaTarget target = adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, "2.4.0", null, null, false));
    assertThat(target.currentVersion()).isEqualTo("3");
    assertThat(target.targetVersion()).isEqualTo("2");
    assertThat(target.toRevert()).singleElement().asString().startsWith("3: sh ").contains("migrate.sh", db, "down");

    adapter.backup(new BackupRequest(NAME, "rollback-orders/e1/backup", false));
    RevertResult first = adapter.revertMigrations(new RevertRequest(NAME, "2", "rollback-orders/e1/revert", false));
    RevertResult second = adapter.revertMigrations(new RevertRequest(NAME, "2", "rollback-orders/e1/revert", false));
    assertThat(first.reverted()).containsExactly("3");
    assertThat(first.changed()).isTrue();
    assertThat(second.changed()).isFalse();
    assertThat(maria.query(db, "select count(*) from information_schema.columns where table_schema = database()"
        + " and table_name = 'orders' and column_name = 'price'")).isEqualTo("1");
    assertThat(orders(db)).isEqualTo(500);

    for (int attempt = 0; attempt < 2; attempt++) {
      IntegrityReport report = adapter.checkIntegrity(new IntegrityRequest(NAME, null, "2", true, false));
      assertThat(report.passed()).isTrue();
      assertThat(report.schemaVersion()).isEqualTo("2");
      assertThat(report.checks()).extracting(c -> c.name() + ": " + c.detail()).containsExactly(
          "orders have customers: returned 0, expected = 0", "orders present: returned 500, expected >= 1",
          "schema version: is 2, expected 2");
    }
    maria.execute(db, "set foreign_key_checks = 0; insert into orders values (9999, 777, 1)");
    var broken = failure(() -> adapter.checkIntegrity(new IntegrityRequest(NAME, null, "2", true, false)),
        FailureType.INTEGRITY_CHECK_FAILED);
    assertThat(broken.getOriginalMessage()).contains("orders have customers: returned 1, expected = 0");
  }

  @Test
  void anInPlaceRestoreRunsOnceAfterItsSafetyBackupAndTheSafetyBackupBringsTheLaterStateBack() {
    var adapter = MariaDbFixtures.adapter(MariaDbFixtures.settings(maria, db, false, true), root);
    String good = adapter.backup(new BackupRequest(NAME, "fixture/good", false)).backupId();
    maria.execute(db, "delete from orders where id > 100");
    String safety = adapter.backup(new BackupRequest(NAME, "rollback-orders/r1/safety-backup", false)).backupId();

    RestoreResult plan = adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, good, "rollback-orders/r1/restore", true));
    assertThat(plan.changed()).isFalse();
    assertThat(plan.planned()).first().asString().contains("mysql", db, "\\. " + root.resolve(NAME).resolve(good));
    assertThat(orders(db)).as("a dry run changes nothing").isEqualTo(100);

    RestoreResult first = adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, good, "rollback-orders/r1/restore", false));
    maria.execute(db, "insert into orders values (5000, 1, 1)"); // written after the restore
    RestoreResult second = adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, good, "rollback-orders/r1/restore", false));
    assertThat(first.changed()).isTrue();
    assertThat(second.changed()).isFalse();
    assertThat(second.detail()).isEqualTo("already restored by an earlier attempt");
    assertThat(orders(db)).as("restored once: the later row stays").isEqualTo(501);

    // The compensation: the safety backup taken before the restore, under its own key.
    for (int attempt = 0; attempt < 2; attempt++) {
      adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, safety, "rollback-orders/r1/compensate-restore", false));
    }
    assertThat(orders(db)).isEqualTo(100);
  }

  @Test
  void aStagedRestoreGoesIntoTheRunsCopyAndSwapsOnceAndBackOnce() {
    var adapter = MariaDbFixtures.adapter(MariaDbFixtures.settings(maria, db, true, true), root);
    String good = adapter.backup(new BackupRequest(NAME, "fixture/staged", false)).backupId();
    maria.execute(db, "delete from orders");
    String staging = db + "__rb_s1";
    String safety = db + "__before_s1";

    RestoreResult first = adapter.restoreStaged(new StagedRestoreRequest(NAME, good, "s1", "rollback-orders/s1/restore-staging", false));
    RestoreResult second = adapter.restoreStaged(new StagedRestoreRequest(NAME, good, "s1", "rollback-orders/s1/restore-staging", false));
    assertThat(first.changed()).isTrue();
    assertThat(second.changed()).isFalse();
    assertThat(orders(staging)).isEqualTo(500);
    assertThat(orders(db)).isZero();
    IntegrityReport staged = adapter.checkIntegrity(new IntegrityRequest(NAME, "s1", "3", true, false));
    assertThat(staged.passed()).isTrue();
    assertThat(staged.schemaVersion()).isEqualTo("3");

    SwapResult swapped = adapter.swap(new SwapRequest(NAME, "s1", "rollback-orders/s1/swap", false));
    SwapResult again = adapter.swap(new SwapRequest(NAME, "s1", "rollback-orders/s1/swap", false));
    assertThat(swapped.changed()).isTrue();
    assertThat(again.changed()).isFalse();
    assertThat(again.safetyName()).isEqualTo(safety);
    assertThat(orders(db)).isEqualTo(500);
    assertThat(orders(safety)).isZero();
    assertThat(maria.exists(staging)).isFalse();

    SwapResult back = adapter.swapBack(new SwapRequest(NAME, "s1", "rollback-orders/s1/swap-back", false));
    SwapResult backAgain = adapter.swapBack(new SwapRequest(NAME, "s1", "rollback-orders/s1/swap-back", false));
    assertThat(back.changed()).isTrue();
    assertThat(backAgain.changed()).isFalse();
    assertThat(orders(db)).isZero();
    assertThat(orders(staging)).isEqualTo(500);
    assertThat(maria.exists(safety)).isFalse();

    SwapResult dropped = adapter.dropStaging(new SwapRequest(NAME, "s1", "rollback-orders/s1/drop-staging", false));
    SwapResult droppedAgain = adapter.dropStaging(new SwapRequest(NAME, "s1", "rollback-orders/s1/drop-staging", false));
    assertThat(dropped.changed()).isTrue();
    assertThat(droppedAgain.changed()).isFalse();
    assertThat(maria.exists(staging)).isFalse();
    assertThat(maria.exists(db)).isTrue();
  }

  @Test
  void aStagedCopyLeftByACrashedAttemptIsDroppedAndRestoredAgain() {
    var adapter = MariaDbFixtures.adapter(MariaDbFixtures.settings(maria, db, true, false), root);
    String good = adapter.backup(new BackupRequest(NAME, "fixture/crash", false)).backupId();
    String staging = db + "__rb_c1";
    maria.execute("mysql", "create database `" + staging + "`; create table `" + staging + "`.half (id int)");

    RestoreResult plan = adapter.restoreStaged(new StagedRestoreRequest(NAME, good, "c1", "rollback-orders/c1/restore-staging", true));
    assertThat(plan.planned()).anySatisfy(p -> assertThat(p).contains("drop database `" + staging + "`"));
    assertThat(maria.exists(staging)).as("a dry run drops nothing").isTrue();

    for (int attempt = 0; attempt < 2; attempt++) {
      adapter.restoreStaged(new StagedRestoreRequest(NAME, good, "c1", "rollback-orders/c1/restore-staging", false));
    }
    assertThat(orders(staging)).isEqualTo(500);
    assertThat(maria.number("mysql", "select count(*) from information_schema.tables where table_schema = '"
        + staging + "' and table_name = 'half'")).isZero();
  }

  @Test
  void withoutRestoreIntoAStagedRestoreIsRefusedSayingToRestoreInPlace() {
    var adapter = MariaDbFixtures.adapter(MariaDbFixtures.settings(maria, db, false, false), root);
    String good = adapter.backup(new BackupRequest(NAME, "fixture/inplace", false)).backupId();

    var f = failure(() -> adapter.restoreStaged(
        new StagedRestoreRequest(NAME, good, "n1", "rollback-orders/n1/restore-staging", false)), FailureType.NOT_SUPPORTED);
    assertThat(f.getOriginalMessage()).contains("databases.orders (engine: command)", "--strategy in-place",
        "safety backup");
    assertThat(adapter.dropStaging(new SwapRequest(NAME, "n1", "k", false)).changed()).isFalse();
    assertThat(adapter.swapBack(new SwapRequest(NAME, "n1", "k", false)).changed()).isFalse();
  }
}
