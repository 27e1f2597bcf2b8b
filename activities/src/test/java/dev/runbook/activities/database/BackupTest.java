package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups on disk: one per key, crash leftovers redone, corruption caught, listing and pruning. */
class BackupTest {
  @TempDir Path root;
  private String db;
  private DatabaseActivitiesImpl adapter;

  @BeforeEach
  void database() {
    db = TestPostgres.freshDatabase("backup");
    Fixtures.flywayMigrate(db, "2");
    adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), root);
  }

  @Test
  void theSameKeyTakesOneBackupAndTheManifestDescribesIt() throws IOException {
    BackupResult first = adapter.backup(new BackupRequest(NAME, "rollback-shop/r1/backup", false));
    BackupResult second = adapter.backup(new BackupRequest(NAME, "rollback-shop/r1/backup", false));

    assertThat(first.backupId()).matches("rollback-shop-r1-backup-[0-9a-f]{12}");
    assertThat(second.reused()).isTrue();
    assertThat(second.planned()).isEmpty();
    assertThat(directories(root.resolve(NAME))).containsExactly(first.backupId());
    BackupManifest m = BackupStore.readManifest(Path.of(first.path())).orElseThrow();
    assertThat(m.verified()).isTrue();
    assertThat(m.sha256()).isEqualTo(first.sha256()).hasSize(64);
    assertThat(m.sizeBytes()).isEqualTo(BackupFiles.size(Path.of(first.path(), "dump")));
    assertThat(m.schemaVersion()).isEqualTo("2");
    assertThat(m.physicalDatabase()).isEqualTo(db);
    assertThat(m.pgDumpVersion()).startsWith("pg_dump (PostgreSQL)");
    assertThat(m.createdAt()).isBefore(Instant.now().plusSeconds(1));
    assertThat(Files.readString(Path.of(first.path(), "manifest.json"))).doesNotContain(Fixtures.password().reveal());
    // The source: the server's own identifier, the address it was reached at, the physical name.
    assertThat(m.systemIdentifier()).isEqualTo(systemIdentifier()).matches("-?[0-9]{10,20}");
    assertThat(m.host()).isEqualTo(TestPostgres.server().host());
    assertThat(m.port()).isEqualTo(TestPostgres.server().port());
    assertThat(first.source()).isEqualTo(m.source());
    assertThat(second.source()).isEqualTo(m.source());
    // One backup, one row in the rollback log's catalog, whatever the retries.
    assertThat(Fixtures.rowsUnder(root)).singleElement().satisfies(row -> {
      assertThat(row.backupId()).isEqualTo(first.backupId());
      assertThat(row.database()).isEqualTo(NAME);
      assertThat(row.physicalDatabase()).isEqualTo(db);
      assertThat(row.systemIdentifier()).isEqualTo(m.systemIdentifier());
      assertThat(row.port()).isEqualTo(m.port());
      assertThat(row.sha256()).isEqualTo(m.sha256());
      assertThat(row.sizeBytes()).isEqualTo(m.sizeBytes());
      assertThat(row.schemaVersion()).isEqualTo("2");
      assertThat(row.verified()).isTrue();
      assertThat(row.workflowId()).isEqualTo("rollback-shop");
      assertThat(row.step()).isEqualTo("backup");
      assertThat(row.location()).isEqualTo(first.path());
      assertThat(row.workerHost()).isNotBlank();
      assertThat(row.removedAt()).isNull();
    });
  }

  @Test
  void aRetryAfterACrashBetweenPublishingAndRecordingWritesTheRow() throws Exception {
    BackupResult taken = adapter.backup(new BackupRequest(NAME, "rollback-shop/r9/backup", false));
    try (var c = Fixtures.catalogConnection(); var ps = c.prepareStatement("delete from backups where location = ?")) {
      ps.setString(1, taken.path());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }

    BackupResult retried = adapter.backup(new BackupRequest(NAME, "rollback-shop/r9/backup", false));

    assertThat(retried.reused()).isTrue();
    assertThat(directories(root.resolve(NAME))).containsExactly(taken.backupId());
    assertThat(Fixtures.rowsUnder(root)).extracting(r -> r.backupId()).containsExactly(taken.backupId());
  }

  @Test
  void whatACrashedAttemptLeftIsRemovedAndTheBackupTakenAgain() throws IOException {
    String id = BackupStore.idFor("crashy");
    Path partial = root.resolve(NAME).resolve(".tmp-" + id).resolve("dump");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve("toc.dat"), "half a dump");

    BackupResult r = adapter.backup(new BackupRequest(NAME, "crashy", false));

    assertThat(r.reused()).isFalse();
    assertThat(r.backupId()).isEqualTo(id);
    assertThat(directories(root.resolve(NAME))).containsExactly(id);
    assertThat(adapter.resolveBackup(new ResolveBackupRequest(NAME, id, false)).verified()).isTrue();
  }

  @Test
  void aChangedFileMakesTheBackupCorruptAndTheMessageListsTheOthers() throws IOException {
    BackupResult good = adapter.backup(new BackupRequest(NAME, "good", false));
    BackupResult bad = adapter.backup(new BackupRequest(NAME, "bad", false));
    try (Stream<Path> files = Files.list(Path.of(bad.path(), "dump"))) {
      Path data = files.filter(p -> p.toString().endsWith(".gz")).findFirst().orElseThrow();
      Files.write(data, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    }

    var f = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, bad.backupId(), false)),
        FailureType.BACKUP_CORRUPT);

    assertThat(f.getOriginalMessage()).contains(bad.backupId(), "sha256", good.backupId());
    assertThat(adapter.resolveBackup(new ResolveBackupRequest(NAME, good.backupId(), false)).verified()).isTrue();
  }

  @Test
  void anUnreadableArchiveFailsPgRestoreList() throws IOException {
    BackupResult r = adapter.backup(new BackupRequest(NAME, "toc", false));
    Path toc = Path.of(r.path(), "dump", "toc.dat");
    Files.writeString(toc, "not a table of contents");
    // Keep the checksum right, so only pg_restore --list can notice.
    BackupManifest m = BackupStore.readManifest(Path.of(r.path())).orElseThrow();
    BackupStore.writeManifest(Path.of(r.path()), new BackupManifest(m.backupId(), m.database(),
        m.physicalDatabase(), m.key(), m.createdAt(), m.sizeBytes(),
        BackupFiles.checksum(Path.of(r.path(), "dump"), () -> {}), m.schemaVersion(), m.pgDumpVersion(), true,
        m.systemIdentifier(), m.host(), m.port()));

    var f = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, r.backupId(), false)),
        FailureType.BACKUP_CORRUPT);

    assertThat(f.getOriginalMessage()).contains("pg_restore --list");
  }

  @Test
  void unknownAndHostileBackupIdsAreRefusedWithoutTouchingTheFilesystem() throws IOException {
    Path outside = root.resolve("etc");
    Files.createDirectories(outside.resolve("dump"));
    BackupStore.writeManifest(outside, new BackupManifest("etc", NAME, db, "k", Instant.now(), 1, "x", "2", "v", true,
        null, null, null));
    BackupResult taken = adapter.backup(new BackupRequest(NAME, "k", false));

    var unknown = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, "nope", false)),
        FailureType.UNKNOWN_BACKUP);
    var traversal = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, "../etc", false)),
        FailureType.INVALID_INPUT);
    var deep = failure(() -> adapter.restoreStaged(
        new StagedRestoreRequest(NAME, "../../etc", "r1", "k", false)), FailureType.INVALID_INPUT);

    assertThat(unknown.getOriginalMessage()).contains("'nope'", taken.backupId());
    assertThat(traversal.getOriginalMessage()).contains("'../etc' looks like a path", "runbook backups");
    assertThat(deep.getOriginalMessage()).contains("'../../etc' looks like a path");
    assertThat(Fixtures.exists(db + "__rb_r1")).isFalse();
  }

  @Test
  void resolveWithoutAnIdPicksTheNewestVerifiedAndNoneIsATypedFailure() {
    var none = failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, null, false)),
        FailureType.UNKNOWN_BACKUP);
    assertThat(none.getOriginalMessage()).contains("no verified backup", "there are no backups");

    adapter.backup(new BackupRequest(NAME, "older", false));
    BackupResult newer = adapter.backup(new BackupRequest(NAME, "newer", false));

    assertThat(adapter.resolveBackup(new ResolveBackupRequest(NAME, null, false)).backupId())
        .isEqualTo(newer.backupId());
  }

  @Test
  void pruneKeepsTheNewestVerifiedAndHonoursCountAgeAndDryRun() throws IOException {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    var clocked = new DatabaseActivitiesImpl(Map.of(NAME, Fixtures.settings(db, null)), root, root,
        Clock.fixed(t0, ZoneOffset.UTC), Fixtures.catalog());
    String a = clocked.backup(new BackupRequest(NAME, "a", false)).backupId();
    clocked = new DatabaseActivitiesImpl(Map.of(NAME, Fixtures.settings(db, null)), root, root,
        Clock.fixed(t0.plus(Duration.ofDays(1)), ZoneOffset.UTC), Fixtures.catalog());
    String b = clocked.backup(new BackupRequest(NAME, "b", false)).backupId();
    clocked = new DatabaseActivitiesImpl(Map.of(NAME, Fixtures.settings(db, null)), root, root,
        Clock.fixed(t0.plus(Duration.ofDays(2)), ZoneOffset.UTC), Fixtures.catalog());
    String c = clocked.backup(new BackupRequest(NAME, "c", false)).backupId();
    Files.createDirectories(root.resolve(NAME).resolve(".tmp-crashed-000000000000/dump"));
    BackupStore store = new BackupStore(root, Clock.fixed(t0.plus(Duration.ofDays(30)), ZoneOffset.UTC));

    assertThat(store.list(NAME)).filteredOn(BackupEntry::verified).extracting(BackupEntry::backupId)
        .containsExactly(c, b, a);
    assertThat(store.list(NAME)).filteredOn(e -> !e.verified()).extracting(BackupEntry::backupId)
        .containsExactly(".tmp-crashed-000000000000");

    List<BackupEntry> planned = store.prune(NAME, new BackupRetention(2, null), true);
    assertThat(planned).extracting(BackupEntry::backupId).containsExactlyInAnyOrder(a, ".tmp-crashed-000000000000");
    assertThat(store.list(NAME)).hasSize(4);

    store.prune(NAME, new BackupRetention(2, null), false);
    assertThat(store.list(NAME)).extracting(BackupEntry::backupId).containsExactly(c, b);

    // Everything is older than a week, yet the newest verified one stays.
    assertThat(store.prune(NAME, new BackupRetention(null, Duration.ofDays(7)), false))
        .extracting(BackupEntry::backupId).containsExactly(b);
    assertThat(store.list(NAME)).extracting(BackupEntry::backupId).containsExactly(c);
  }

  private static String systemIdentifier() {
    try (var c = TestPostgres.connect("postgres"); var rs = c.createStatement()
        .executeQuery("select system_identifier::text from pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> directories(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    }
  }
}
