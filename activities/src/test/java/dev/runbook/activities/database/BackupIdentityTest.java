package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.BackupRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two configurations whose databases are both configured as {@code shop}, with the same physical
 * name, on two PostgreSQL servers (two clusters, so two system identifiers), taking backups into
 * ONE backup directory: a restore through the activities never takes the other server's backup
 * unless a cross-restore is asked for, and a refusal names both databases.
 */
class BackupIdentityTest {
  private static final String SHOP = "shop";

  @TempDir Path root;
  private String physical;
  private LocalPostgres one;
  private LocalPostgres two;
  private DatabaseActivitiesImpl onOne;
  private DatabaseActivitiesImpl onTwo;
  private BackupCatalog catalog;

  @BeforeEach
  void twoServersOneBackupDirectory() {
    one = TestPostgres.server();
    two = TestPostgres.otherServer();
    physical = "shop_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    for (LocalPostgres pg : List.of(one, two)) {
      pg.createDatabase(physical);
      sql(pg, physical, "create table origin (server text not null)",
          "insert into origin values ('" + (pg == one ? "one" : "two") + "')");
    }
    catalog = new BackupCatalog(TestStore.fresh());
    onOne = adapter(one, physical);
    onTwo = adapter(two, physical);
  }

  private DatabaseActivitiesImpl adapter(LocalPostgres pg, String database) {
    var settings = new DatabaseSettings(pg.host(), pg.port(), database, pg.user(), pg.password(), null, null,
        2, null, Duration.ofMinutes(10), Duration.ofSeconds(2), null, Map.of(), List.of(), null);
    return new DatabaseActivitiesImpl(Map.of(SHOP, settings), root, root, Clock.systemUTC(), catalog);
  }

  @Test
  void theNewestVerifiedBackupIsAlwaysTheTargetsOwnAndRestoresStagedAndInPlace() {
    BackupResult fromOne = onOne.backup(new BackupRequest(SHOP, "rollback-shop/a1/backup", false));
    BackupResult fromTwo = onTwo.backup(new BackupRequest(SHOP, "rollback-shop/b1/backup", false));
    assertThat(fromTwo.createdAt()).isAfter(fromOne.createdAt());

    BackupInfo forOne = onOne.resolveBackup(new ResolveBackupRequest(SHOP, null, false));
    BackupInfo forTwo = onTwo.resolveBackup(new ResolveBackupRequest(SHOP, null, false));

    assertThat(forOne.backupId()).isEqualTo(fromOne.backupId());
    assertThat(forOne.crossRestore()).isFalse();
    assertThat(forOne.source()).isEqualTo(forOne.target()).isEqualTo(fromOne.source());
    assertThat(forTwo.backupId()).isEqualTo(fromTwo.backupId());
    assertThat(fromOne.source().systemIdentifier()).isEqualTo(systemIdentifier(one))
        .isNotEqualTo(fromTwo.source().systemIdentifier()).isNotEqualTo(systemIdentifier(two));

    onOne.restoreStaged(new StagedRestoreRequest(SHOP, forOne.backupId(), "s1", "rollback-shop/a2/restore-staging", false));
    assertThat(servers(one, physical + "__rb_s1")).containsExactly("one");
    sql(one, physical, "delete from origin");
    onOne.restoreInPlace(new InPlaceRestoreRequest(SHOP, forOne.backupId(), "rollback-shop/a2/restore", false));
    assertThat(servers(one, physical)).containsExactly("one");

    // Both are listed, each with the database it came from.
    List<BackupRecord> rows = catalog.list(SHOP, 10);
    assertThat(rows).extracting(BackupRecord::backupId).containsExactly(fromTwo.backupId(), fromOne.backupId());
    assertThat(rows).extracting(BackupRecord::systemIdentifier)
        .containsExactly(systemIdentifier(two), systemIdentifier(one));
    assertThat(rows).extracting(BackupRecord::port).containsExactly(two.port(), one.port());
    assertThat(rows).extracting(BackupRecord::physicalDatabase).containsOnly(physical);
  }

  @Test
  void theOtherServersBackupNamedForARestoreIsRefusedNamingBothAndNothingChanges() {
    onOne.backup(new BackupRequest(SHOP, "rollback-shop/a1/backup", false));
    String foreign = onTwo.backup(new BackupRequest(SHOP, "rollback-shop/b1/backup", false)).backupId();

    var resolve = failure(() -> onOne.resolveBackup(new ResolveBackupRequest(SHOP, foreign, false)),
        FailureType.BACKUP_OF_ANOTHER_DATABASE);
    var staged = failure(() -> onOne.restoreStaged(
        new StagedRestoreRequest(SHOP, foreign, "s2", "rollback-shop/a3/restore-staging", false)),
        FailureType.BACKUP_OF_ANOTHER_DATABASE);
    var inPlace = failure(() -> onOne.restoreInPlace(
        new InPlaceRestoreRequest(SHOP, foreign, "rollback-shop/a3/restore", false)),
        FailureType.BACKUP_OF_ANOTHER_DATABASE);

    for (var f : List.of(resolve, staged, inPlace)) {
      assertThat(f.getOriginalMessage()).contains(
          "backup " + foreign,
          "taken from " + physical + " on 127.0.0.1:" + two.port() + " (system " + systemIdentifier(two) + ")",
          "databases.shop is " + physical + " on 127.0.0.1:" + one.port() + " (system " + systemIdentifier(one) + ")",
          "runbook backups shop", "crossRestore", "--cross-restore");
    }
    assertThat(Fixtures.exists(physical + "__rb_s2")).isFalse();
    assertThat(servers(one, physical)).containsExactly("one");
  }

  @Test
  void aCrossRestoreAskedForGoesThroughAndCarriesBothIdentities() {
    String foreign = onTwo.backup(new BackupRequest(SHOP, "rollback-shop/b1/backup", false)).backupId();

    BackupInfo info = onOne.resolveBackup(new ResolveBackupRequest(SHOP, foreign, false, true));

    assertThat(info.crossRestore()).isTrue();
    assertThat(info.source()).isEqualTo(new DatabaseIdentity(systemIdentifier(two), "127.0.0.1", two.port(), physical));
    assertThat(info.target()).isEqualTo(new DatabaseIdentity(systemIdentifier(one), "127.0.0.1", one.port(), physical));
    assertThat(info.planned().get(0)).startsWith("CROSS-RESTORE (asked for): backup " + foreign)
        .contains(info.source().describe(), info.target().describe());

    onOne.restoreStaged(new StagedRestoreRequest(SHOP, foreign, "s3", "rollback-shop/a4/restore-staging", false, true));
    assertThat(servers(one, physical + "__rb_s3")).containsExactly("two");
    onOne.restoreInPlace(new InPlaceRestoreRequest(SHOP, foreign, "rollback-shop/a4/restore", false, true));
    assertThat(servers(one, physical)).containsExactly("two");
  }

  @Test
  void anotherPhysicalDatabaseOnTheSameServerIsAnotherDatabaseToo() {
    String copy = physical + "_copy";
    one.createDatabase(copy);
    sql(one, copy, "create table origin (server text not null)", "insert into origin values ('copy')");
    String ofCopy = adapter(one, copy).backup(new BackupRequest(SHOP, "rollback-shop/c1/backup", false)).backupId();

    var refused = failure(() -> onOne.resolveBackup(new ResolveBackupRequest(SHOP, ofCopy, false)),
        FailureType.BACKUP_OF_ANOTHER_DATABASE);
    var none = failure(() -> onOne.resolveBackup(new ResolveBackupRequest(SHOP, null, false)),
        FailureType.UNKNOWN_BACKUP);

    assertThat(refused.getOriginalMessage()).contains("taken from " + copy + " on", "databases.shop is " + physical + " on");
    assertThat(none.getOriginalMessage()).contains("has no verified backup of " + physical,
        "taken from other databases", "--cross-restore", ofCopy);
  }

  @Test
  void aBackupThatDoesNotSayWhereItCameFromIsRefusedUnlessAskedForOrTakenByTheSameRun() {
    BackupResult old = onOne.backup(new BackupRequest(SHOP, "rollback-shop/a5/backup", false));
    BackupManifest m = BackupStore.readManifest(Path.of(old.path())).orElseThrow();
    BackupStore.writeManifest(Path.of(old.path()), new BackupManifest(m.backupId(), m.database(),
        m.physicalDatabase(), m.key(), m.createdAt(), m.sizeBytes(), m.sha256(), m.schemaVersion(),
        m.pgDumpVersion(), true, null, null, null));

    var refused = failure(() -> onOne.resolveBackup(new ResolveBackupRequest(SHOP, old.backupId(), false)),
        FailureType.BACKUP_OF_ANOTHER_DATABASE);
    assertThat(refused.getOriginalMessage()).contains("does not record which database it was taken from",
        "crossRestore", "runbook backups shop");
    failure(() -> onOne.restoreInPlace(new InPlaceRestoreRequest(SHOP, old.backupId(), "rollback-shop/zz/restore", false)),
        FailureType.BACKUP_OF_ANOTHER_DATABASE);

    assertThat(onOne.resolveBackup(new ResolveBackupRequest(SHOP, old.backupId(), false, true)).crossRestore()).isTrue();
    // The run that took it restores it as its compensation: its own safety backup, this database.
    sql(one, physical, "delete from origin");
    onOne.restoreInPlace(new InPlaceRestoreRequest(SHOP, old.backupId(), "rollback-shop/a5/compensate-restore", false));
    assertThat(servers(one, physical)).containsExactly("one");
  }

  @Test
  void theSameKeyOnTheOtherServerInTheSameDirectoryIsNotTakenForItsBackup() {
    BackupResult taken = onOne.backup(new BackupRequest(SHOP, "rollback-shop/a6/backup", false));

    var clash = failure(() -> onTwo.backup(new BackupRequest(SHOP, "rollback-shop/a6/backup", false)),
        FailureType.INVALID_INPUT);

    assertThat(clash.getOriginalMessage()).contains(taken.backupId(), "two configurations share this backup"
        + " directory", "backupDir", systemIdentifier(one), systemIdentifier(two));
    assertThat(catalog.list(SHOP, 10)).singleElement()
        .satisfies(r -> assertThat(r.systemIdentifier()).isEqualTo(systemIdentifier(one)));
  }

  private static String systemIdentifier(LocalPostgres pg) {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select system_identifier::text from pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> servers(LocalPostgres pg, String database) {
    try (Connection c = pg.connect(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select server from origin order by server")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sql(LocalPostgres pg, String database, String... statements) {
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
