package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.exists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.database.RichDatabase.Made;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.ImportRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.model.BackupRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real pg_dump output of the rich schema in every format pg_dump writes, imported as a backup of
 * the database it came from and restored by the staged swap (and in place) through the
 * activities, each run twice: every table's rows and every sequence's value come back as they
 * were when the dump was made.
 */
class ImportRestoreTest {
  @TempDir Path backups;
  @TempDir Path files;

  private DatabaseActivitiesImpl adapter(String database) {
    return Fixtures.adapter(Fixtures.settings(database, Fixtures.flyway("flyway/undo")), backups);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Made.class)
  void eachFormatIsImportedOnceAndTheStagedSwapBringsBackEveryRowAndSequence(Made made) throws Exception {
    String db = RichDatabase.create("imp_" + made.name().toLowerCase());
    Contents dumped = Contents.of(db);
    Path file = RichDatabase.dump(db, made, files);
    RichDatabase.damage(db);
    Contents damaged = Contents.of(db);
    assertThat(damaged).isNotEqualTo(dumped);
    var adapter = adapter(db);
    String key = "import-" + db + "/r1/import";

    ImportResult first = adapter.importBackup(new ImportRequest(NAME, file.toString(), "bob", key, false));
    ImportResult again = adapter.importBackup(new ImportRequest(NAME, file.toString(), "erin", key, false));

    assertThat(first.reused()).isFalse();
    assertThat(first.format()).isEqualTo(made.label());
    assertThat(first.backupId()).startsWith("import-").isEqualTo(again.backupId());
    assertThat(first.schemaVersion()).isEqualTo("3");
    assertThat(first.importedBy()).isEqualTo("bob");
    assertThat(first.importedFrom()).isEqualTo(file.toString());
    assertThat(first.source().physicalDatabase()).isEqualTo(db);
    assertThat(again.reused()).isTrue();
    assertThat(again.importedBy()).as("the first import's origin stays").isEqualTo("bob");
    assertThat(again.sha256()).isEqualTo(first.sha256());
    if (made != Made.DIRECTORY) {
      assertThat(first.sha256()).isEqualTo(BackupFiles.fileChecksum(file, () -> { }));
      assertThat(first.sizeBytes()).isEqualTo(Files.size(file));
    }
    List<BackupRecord> rows = Fixtures.rowsUnder(backups);
    assertThat(rows).singleElement().satisfies(r -> {
      assertThat(r.backupId()).isEqualTo(first.backupId());
      assertThat(r.format()).isEqualTo(made.label());
      assertThat(r.importedBy()).isEqualTo("bob");
      assertThat(r.importedFrom()).isEqualTo(file.toString());
      assertThat(r.importedAt()).isNotNull();
      assertThat(r.schemaVersion()).isEqualTo("3");
      assertThat(r.physicalDatabase()).isEqualTo(db);
      assertThat(r.importedDescription()).isEqualTo("imported by bob from " + file);
    });
    try (var dirs = Files.list(backups.resolve(NAME))) {
      assertThat(dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")))
          .hasSize(1);
    }

    BackupInfo resolved = adapter.resolveBackup(new ResolveBackupRequest(NAME, first.backupId(), false));
    assertThat(resolved.crossRestore()).isFalse();
    assertThat(resolved.schemaVersion()).isEqualTo("3");
    assertThat(resolved.source()).isEqualTo(resolved.target());

    RestoreResult staged = adapter.restoreStaged(new StagedRestoreRequest(NAME, first.backupId(), "r1", key, false));
    RestoreResult stagedAgain = adapter.restoreStaged(new StagedRestoreRequest(NAME, first.backupId(), "r1", key, false));
    assertThat(staged.changed()).isTrue();
    assertThat(stagedAgain.changed()).isFalse();
    assertThat(staged.planned()).anySatisfy(p -> assertThat(p).contains(made.archive() ? "pg_restore" : "psql"));
    if (!made.archive()) {
      assertThat(staged.planned()).anySatisfy(p -> assertThat(p).contains("--single-transaction", "ON_ERROR_STOP=1"));
    }
    assertThat(Contents.of(db + "__rb_r1")).isEqualTo(dumped);
    assertThat(Contents.of(db)).as("the live database is untouched until the swap").isEqualTo(damaged);
    assertThat(adapter.checkIntegrity(new IntegrityRequest(NAME, "r1", "3", true, false)).passed()).isTrue();

    SwapResult swapped = adapter.swap(new SwapRequest(NAME, "r1", key, false));
    SwapResult swappedAgain = adapter.swap(new SwapRequest(NAME, "r1", key, false));

    assertThat(swapped.changed()).isTrue();
    assertThat(swappedAgain.changed()).isFalse();
    assertThat(Contents.of(db)).isEqualTo(dumped);
    assertThat(Contents.of(db + "__before_r1")).isEqualTo(damaged);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Made.class, names = {"PLAIN_GZIP", "CUSTOM"})
  void anInPlaceRestoreOfAnImportBringsBackTheDumpAndRunsOnce(Made made) throws Exception {
    String db = RichDatabase.create("inpl_" + made.name().toLowerCase());
    Contents dumped = Contents.of(db);
    Path file = RichDatabase.dump(db, made, files);
    RichDatabase.damage(db);
    TestPostgres.execute(db, "create schema scratch", "create table scratch.notes (n int)");
    var adapter = adapter(db);
    String id = adapter.importBackup(new ImportRequest(NAME, file.toString(), "bob", "k/r2/import", false)).backupId();

    RestoreResult restored = adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, id, "rollback-shop/r2/restore", false));
    RestoreResult again = adapter.restoreInPlace(new InPlaceRestoreRequest(NAME, id, "rollback-shop/r2/restore", false));

    assertThat(restored.changed()).isTrue();
    assertThat(again.changed()).isFalse();
    // Every schema goes first (in the load's one transaction for a plain dump), so what the
    // backup does not have goes too, and a partition's constraints are no obstacle.
    assertThat(restored.planned()).contains("DROP SCHEMA IF EXISTS \"public\" CASCADE;",
        "DROP SCHEMA IF EXISTS \"scratch\" CASCADE;");
    assertThat(Contents.of(db)).isEqualTo(dumped);
  }

  @Test
  void anArchivesOwnTimeIsTheBackupsTimeSoAnOldDumpImportedTodayIsNotTheNewest() throws Exception {
    String db = RichDatabase.create("imp_time");
    Path file = RichDatabase.dump(db, Made.CUSTOM, files);
    Path plain = RichDatabase.dump(db, Made.PLAIN, files);
    Instant aYearAgo = Instant.parse("2025-11-25T03:00:00Z");
    Files.setLastModifiedTime(plain, java.nio.file.attribute.FileTime.from(aYearAgo));
    var adapter = adapter(db);
    Instant before = Instant.now();

    ImportResult custom = adapter.importBackup(new ImportRequest(NAME, file.toString(), "bob", "k/r3/import", false));
    ImportResult old = adapter.importBackup(new ImportRequest(NAME, plain.toString(), "bob", "k/r4/import", false));

    assertThat(custom.createdAt()).isBefore(before.plusSeconds(1)).isAfter(before.minusSeconds(600));
    assertThat(old.createdAt()).isEqualTo(aYearAgo);
    assertThat(old.importedAt()).isAfter(before);
    assertThat(adapter.resolveBackup(new ResolveBackupRequest(NAME, null, false)).backupId())
        .as("the newest is the one made last, not the one imported last").isEqualTo(custom.backupId());
  }

  @Test
  void aDryRunChecksTheFileAndSaysWhatItWouldImportButCopiesAndRecordsNothing() throws Exception {
    String db = RichDatabase.create("imp_dry");
    Path file = RichDatabase.dump(db, Made.PLAIN_GZIP, files);
    var adapter = adapter(db);

    ImportResult plan = adapter.importBackup(new ImportRequest(NAME, file.toString(), "bob", "k/r5/import", true));

    assertThat(plan.backupId()).startsWith("import-");
    assertThat(plan.reused()).isFalse();
    assertThat(plan.planned()).anySatisfy(p -> assertThat(p).startsWith("read " + file + " through gunzip"))
        .anySatisfy(p -> assertThat(p).startsWith("cp " + file + " ").endsWith("/dump/backup.sql.gz"));
    assertThat(Files.exists(backups.resolve(NAME).resolve(plan.backupId()))).isFalse();
    assertThat(Fixtures.rowsUnder(backups)).isEmpty();
    assertThat(exists(db)).isTrue();
    // A dry run of a restore from that file stops where the backup would be, saying why.
    var notYet = Fixtures.failure(() -> adapter.resolveBackup(new ResolveBackupRequest(NAME, plan.backupId(), true)),
        dev.runbook.workflows.activities.FailureType.UNKNOWN_BACKUP);
    assertThat(notYet.getOriginalMessage()).contains("not imported yet", "a dry run imports nothing",
        "runbook backup import shop FILE");
  }
}
