package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.failure;
import static dev.runbook.activities.database.MariaDbFixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestMariaDb;
import dev.runbook.activities.support.TestMariaDb.Server;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two MariaDB servers, each with a database of the same physical name configured as {@code
 * orders} through {@code engine: command}, backing up into ONE directory: the identity template's
 * output (the server's {@code @@server_uid} and the schema) keeps a restore from taking the other
 * server's backup unless a cross-restore is asked for.
 */
class MariaDbIdentityTest {
  @TempDir Path root;
  private final Server one = TestMariaDb.server();
  private final Server two = TestMariaDb.otherServer();
  private String physical;
  private DatabaseActivitiesImpl onOne;
  private DatabaseActivitiesImpl onTwo;

  @BeforeEach
  void twoServersOneBackupDirectory() {
    physical = "orders_same_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    for (Server s : List.of(one, two)) {
      s.createDatabase(physical);
      s.execute(physical, "create table origin (server varchar(10) not null);"
          + " insert into origin values ('" + (s == one ? "one" : "two") + "')");
    }
    onOne = MariaDbFixtures.adapter(MariaDbFixtures.settings(one, physical, true, false), root);
    onTwo = MariaDbFixtures.adapter(MariaDbFixtures.settings(two, physical, true, false), root);
  }

  private String origin(Server s, String database) {
    return s.query(database, "select group_concat(server) from origin");
  }

  @Test
  void theOtherServersBackupIsRefusedNamingBothAndNothingChanges() {
    BackupResult own = onOne.backup(new BackupRequest(NAME, "rollback-orders/a1/backup", false));
    BackupResult foreign = onTwo.backup(new BackupRequest(NAME, "rollback-orders/b1/backup", false));
    assertThat(own.source().systemIdentifier()).isNotEqualTo(foreign.source().systemIdentifier());

    for (int attempt = 0; attempt < 2; attempt++) {
      var resolve = failure(() -> onOne.resolveBackup(new ResolveBackupRequest(NAME, foreign.backupId(), false)),
          FailureType.BACKUP_OF_ANOTHER_DATABASE);
      var inPlace = failure(() -> onOne.restoreInPlace(
          new InPlaceRestoreRequest(NAME, foreign.backupId(), "rollback-orders/a2/restore", false)),
          FailureType.BACKUP_OF_ANOTHER_DATABASE);
      var staged = failure(() -> onOne.restoreStaged(
          new StagedRestoreRequest(NAME, foreign.backupId(), "a2", "rollback-orders/a2/restore-staging", false)),
          FailureType.BACKUP_OF_ANOTHER_DATABASE);
      for (var f : List.of(resolve, inPlace, staged)) {
        assertThat(f.getOriginalMessage()).contains("backup " + foreign.backupId(),
            "taken from " + foreign.source().describe(), "databases.orders is " + own.source().describe(),
            "--cross-restore");
      }
    }
    assertThat(origin(one, physical)).isEqualTo("one");
    assertThat(one.exists(physical + "__rb_a2")).isFalse();

    // The newest verified backup is always the target's own, however new the other one is.
    assertThat(onOne.resolveBackup(new ResolveBackupRequest(NAME, null, false)).backupId()).isEqualTo(own.backupId());
    assertThat(onTwo.resolveBackup(new ResolveBackupRequest(NAME, null, false)).backupId())
        .isEqualTo(foreign.backupId());
  }

  @Test
  void aCrossRestoreAskedForCopiesTheOtherServersBackup() {
    String foreign = onTwo.backup(new BackupRequest(NAME, "rollback-orders/b2/backup", false)).backupId();

    var info = onOne.resolveBackup(new ResolveBackupRequest(NAME, foreign, false, true));
    assertThat(info.crossRestore()).isTrue();
    assertThat(info.planned()).first().asString().startsWith("CROSS-RESTORE (asked for)");
    for (int attempt = 0; attempt < 2; attempt++) {
      onOne.restoreInPlace(new InPlaceRestoreRequest(NAME, foreign, "rollback-orders/a3/restore", false, true));
    }

    assertThat(origin(one, physical)).isEqualTo("two");
  }
}
