package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.failure;
import static dev.runbook.activities.database.MariaDbFixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestMariaDb;
import dev.runbook.activities.support.TestMariaDb.Server;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of a MariaDB database through {@code engine: command} (real mysqldump into the
 * directory the product gives, checked by the verify template): the manifest, checksum, catalog
 * row and identity are the product's own, and a second call with the same key takes nothing new.
 */
class MariaDbBackupTest {
  @TempDir Path root;
  private final Server maria = TestMariaDb.server();
  private String db;
  private DatabaseActivitiesImpl adapter;

  @BeforeEach
  void aMigratedDatabase() {
    db = TestMariaDb.freshDatabase("orders");
    MariaDbFixtures.migrateUp(maria, db, 3);
    adapter = MariaDbFixtures.adapter(MariaDbFixtures.settings(maria, db, false, true), root);
  }

  @Test
  void aBackupIsTakenOnceVerifiedAndRecordedWithTheIdentityTheTemplatePrints() throws IOException {
    BackupResult first = adapter.backup(new BackupRequest(NAME, "rollback-orders/t1/backup", false));
    BackupResult second = adapter.backup(new BackupRequest(NAME, "rollback-orders/t1/backup", false));

    assertThat(first.reused()).isFalse();
    assertThat(second.reused()).isTrue();
    assertThat(second.backupId()).isEqualTo(first.backupId());
    assertThat(second.sha256()).isEqualTo(first.sha256());
    assertThat(first.schemaVersion()).isEqualTo("3");
    assertThat(first.sizeBytes()).isPositive();
    String uid = maria.query("mysql", "select @@server_uid");
    assertThat(first.source().systemIdentifier()).isEqualTo(uid + " " + db);
    assertThat(first.source().physicalDatabase()).isEqualTo(db);
    assertThat(first.source().port()).isEqualTo(maria.port());

    Path dir = Path.of(first.path());
    assertThat(Files.readString(dir.resolve("dump/dump.sql"))).contains("CREATE TABLE `orders`", "-- Dump completed");
    BackupManifest m = BackupStore.readManifest(dir).orElseThrow();
    assertThat(m.verified()).isTrue();
    assertThat(m.sha256()).isEqualTo(BackupFiles.checksum(dir.resolve("dump"), () -> {}));
    assertThat(m.source()).isEqualTo(first.source());
    try (Stream<Path> s = Files.list(root.resolve(NAME))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))).containsExactly(first.backupId());
    }
    assertThat(Fixtures.rowsUnder(root)).singleElement().satisfies(row -> {
      assertThat(row.backupId()).isEqualTo(first.backupId());
      assertThat(row.systemIdentifier()).isEqualTo(uid + " " + db);
      assertThat(row.schemaVersion()).isEqualTo("3");
      assertThat(row.verified()).isTrue();
    });
  }

  @Test
  void aDryRunPlansTheTemplatesAndTakesNothing() {
    BackupResult plan = adapter.backup(new BackupRequest(NAME, "rollback-orders/t2/backup", true));

    assertThat(plan.planned()).anySatisfy(p -> assertThat(p).contains("mysqldump", "--result-file=" + root, db))
        .anySatisfy(p -> assertThat(p).startsWith("grep -q"));
    assertThat(plan.planned()).noneMatch(p -> p.contains(maria.password().reveal()));
    assertThat(root.resolve(NAME)).doesNotExist();
    assertThat(Fixtures.rowsUnder(root)).isEmpty();
  }

  @Test
  void aResolvedBackupIsCheckedAgainByChecksumAndByTheVerifyTemplate() throws IOException {
    BackupResult good = adapter.backup(new BackupRequest(NAME, "good", false));
    BackupResult cut = adapter.backup(new BackupRequest(NAME, "cut", false));
    BackupResult changed = adapter.backup(new BackupRequest(NAME, "changed", false));

    BackupInfo info = adapter.resolveBackup(new ResolveBackupRequest(NAME, good.backupId(), false));
    assertThat(info.verified()).isTrue();
    assertThat(info.crossRestore()).isFalse();
    assertThat(info.planned()).anySatisfy(p -> assertThat(p).startsWith("grep -q").contains(good.backupId()));

    // A dump cut before its end, with a manifest rewritten to match it: only verify can tell.
    Path cutDir = Path.of(cut.path());
    String text = Files.readString(cutDir.resolve("dump/dump.sql"));
    Files.writeString(cutDir.resolve("dump/dump.sql"), text.substring(0, text.indexOf("-- Dump completed")));
    BackupManifest m = BackupStore.readManifest(cutDir).orElseThrow();
    BackupStore.writeManifest(cutDir, new BackupManifest(m.backupId(), m.database(), m.physicalDatabase(), m.key(),
        m.createdAt(), m.sizeBytes(), BackupFiles.checksum(cutDir.resolve("dump"), () -> {}), m.schemaVersion(),
        m.pgDumpVersion(), true, m.systemIdentifier(), m.host(), m.port()));
    Files.writeString(Path.of(changed.path()).resolve("dump/dump.sql"), "-- Dump completed\n");

    for (int attempt = 0; attempt < 2; attempt++) {
      var unreadable = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, cut.backupId(), false)),
          FailureType.BACKUP_CORRUPT);
      assertThat(unreadable.getOriginalMessage()).contains("databases.orders.command.verify cannot read it",
          cut.backupId(), good.backupId());
      var tampered = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, changed.backupId(), false)),
          FailureType.BACKUP_CORRUPT);
      assertThat(tampered.getOriginalMessage()).contains("sha256");
    }
  }

  @Test
  void aBackupCommandThatFailsOrWritesNothingLeavesNoBackupAndSaysWhy() {
    var failing = MariaDbFixtures.settings(maria, db + "_missing", false, false);
    var onMissing = MariaDbFixtures.adapter(failing, root);
    var f = failure(() -> onMissing.backup(new BackupRequest(NAME, "k1", false)), FailureType.COMMAND_FAILED);
    assertThat(f.getOriginalMessage()).contains("databases.orders.command.identity", "exited 1", "Unknown database")
        .doesNotContain(maria.password().reveal());

    var t = MariaDbFixtures.templates(maria, false);
    var writesNothing = new CommandEngineSettings(t.identity(), List.of("true", "{dir}"), t.verify(), t.restore(),
        null, null, null, null, t.env(), null);
    var s = MariaDbFixtures.settings(maria, db, false, false);
    var nothing = MariaDbFixtures.adapter(new DatabaseSettings(s.host(), s.port(), s.database(), null, null, null,
        null, null, null, s.timeout(), null, null, null, null, null, DatabaseSettings.COMMAND, writesNothing, null, null, null), root);
    for (int attempt = 0; attempt < 2; attempt++) {
      var empty = failure(() -> nothing.backup(new BackupRequest(NAME, "k2", false)), FailureType.INVALID_INPUT);
      assertThat(empty.getOriginalMessage()).contains("command.backup", "exited 0 but wrote nothing", "{dir}");
    }
    assertThat(new BackupStore(root, java.time.Clock.systemUTC()).list(NAME)).isEmpty();
  }
}
