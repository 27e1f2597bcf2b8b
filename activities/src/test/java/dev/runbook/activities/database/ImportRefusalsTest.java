package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.exists;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.database.RichDatabase.Made;
import dev.runbook.workflows.activities.DatabaseActivities.ImportRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that must not become backups, or must not reach the live database: each refused with
 * what is wrong and what to do, twice alike, leaving no backup, no catalog row and no staging
 * database behind, and the live database as it was.
 */
class ImportRefusalsTest {
  @TempDir static Path files;
  @TempDir Path backups;

  private static String db;
  private static Path plain;
  private static Contents live;

  @BeforeAll
  static void aRichDatabaseAndItsPlainDump() {
    db = RichDatabase.create("refuse");
    plain = RichDatabase.dump(db, Made.PLAIN, files);
    live = Contents.of(db);
  }

  private DatabaseActivitiesImpl adapter() {
    return Fixtures.adapter(Fixtures.settings(db, null), backups);
  }

  /** Imports {@code file} twice: both refused alike, nothing kept. */
  private ApplicationFailure refused(Path file, FailureType type) {
    var adapter = adapter();
    ApplicationFailure first = failure(() -> adapter.importBackup(
        new ImportRequest(NAME, file.toString(), "bob", "k/r1/import", false)), type);
    ApplicationFailure again = failure(() -> adapter.importBackup(
        new ImportRequest(NAME, file.toString(), "bob", "k/r1/import", false)), type);
    assertThat(again.getOriginalMessage()).isEqualTo(first.getOriginalMessage());
    assertThat(Fixtures.rowsUnder(backups)).isEmpty();
    try (var left = Files.list(backups)) {
      assertThat(left.flatMap(ImportRefusalsTest::children)).as("nothing kept in the backup store")
          .allSatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".lock"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assertThat(Contents.of(db)).isEqualTo(live);
    return first;
  }

  private static java.util.stream.Stream<Path> children(Path dir) {
    try {
      return Files.list(dir).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path write(String name, byte[] bytes) throws IOException {
    return Files.write(files.resolve(name), bytes);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void aTruncatedSqlGzIsRefusedAtImport() throws Exception {
    Path gz = RichDatabase.dump(db, Made.PLAIN_GZIP, files);
    byte[] whole = Files.readAllBytes(gz);
    Path cut = write("db_2026-11-25-cut.sql.gz", Arrays.copyOf(whole, whole.length / 2));

    ApplicationFailure f = refused(cut, FailureType.INVALID_INPUT);

    assertThat(f.getOriginalMessage()).contains(cut + " cannot be imported as a backup of databases.shop",
        "gzip stream ends early", "cut short");
  }

  @Test
  void aPlainDumpCutShortIsRefusedEvenWithoutGzipToTellIt() throws Exception {
    byte[] whole = Files.readAllBytes(plain);
    Path inCopy = write("cut-in-copy.sql", Arrays.copyOf(whole, whole.length / 2));
    String text = new String(whole, StandardCharsets.UTF_8);
    Path noFooter = write("no-footer.sql", text.substring(0, text.indexOf(PlainDumpScanner.FOOTER))
        .getBytes(StandardCharsets.UTF_8));

    assertThat(refused(inCopy, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("ends inside the data of the COPY on line", "cut short");
    assertThat(refused(noFooter, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("ends before pg_dump's closing line", "cut short");
  }

  @Test
  void aFailingStatementInTheMiddleStopsTheLoadOfStagingAndNothingReachesTheLiveDatabase() throws Exception {
    String text = Files.readString(plain);
    int afterFirstCopy = text.indexOf("\\.\n", text.indexOf("FROM stdin;")) + 3;
    String broken = text.substring(0, afterFirstCopy) + "\nINSERT INTO public.no_such_table VALUES (1);\n"
        + text.substring(afterFirstCopy);
    Path gz = write("db_2026-11-25-broken.sql.gz", gzip(broken.getBytes(StandardCharsets.UTF_8)));
    var adapter = adapter();
    String id = adapter.importBackup(new ImportRequest(NAME, gz.toString(), "bob", "k/r2/import", false)).backupId();

    for (int attempt = 1; attempt <= 2; attempt++) {
      ApplicationFailure f = failure(() -> adapter.restoreStaged(
          new StagedRestoreRequest(NAME, id, "r2", "rollback-shop/r2/restore-staging", false)),
          FailureType.INVALID_INPUT);
      assertThat(f.getOriginalMessage()).contains("psql stopped at the first error while loading backup " + id,
          "into " + db + "__rb_r2", "no_such_table", "one transaction, so nothing of it was kept");
      assertThat(exists(db + "__rb_r2")).as("the staging database is dropped").isFalse();
      assertThat(Contents.of(db)).isEqualTo(live);
    }
  }

  @Test
  void aFileThatIsNotADumpAtAllIsRefusedSayingWhatToGive() throws Exception {
    Path text = write("notes.txt", "shopping list\nmilk\n".getBytes(StandardCharsets.UTF_8));
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    noise[0] = 'x';
    Path binary = write("noise.bin", noise);
    Path empty = write("empty.sql", new byte[0]);
    Path dir = Files.createDirectories(files.resolve("not-a-dump-dir"));

    assertThat(refused(text, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("it is not a pg_dump script", "plain SQL, gzip'd plain SQL, or a custom, tar or directory archive");
    assertThat(refused(binary, FailureType.INVALID_INPUT).getOriginalMessage()).contains("not a pg_dump script");
    assertThat(refused(empty, FailureType.INVALID_INPUT).getOriginalMessage()).contains("it is empty");
    assertThat(refused(dir, FailureType.INVALID_INPUT).getOriginalMessage()).contains("directory without toc.dat");
    assertThat(refused(Path.of("/dev/zero"), FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("not a regular file");
    assertThat(refused(files.resolve("missing.sql.gz"), FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("there is no " + files.resolve("missing.sql.gz") + " on worker", "a path the workers can read");
    var relative = failure(() -> adapter().importBackup(
        new ImportRequest(NAME, "backups/db.sql.gz", "bob", "k/r1/import", false)), FailureType.INVALID_INPUT);
    assertThat(relative.getOriginalMessage()).contains("is not an absolute path");
  }

  @Test
  void scriptsPgDumpDidNotWriteForThisOneDatabaseAreRefused() throws Exception {
    String header = "--\n" + PlainDumpScanner.HEADER + "\n--\n\n";
    String footer = "\n--\n" + PlainDumpScanner.FOOTER + "\n--\n";
    Path cluster = write("all.sql", ("--\n-- PostgreSQL database cluster dump\n--\n\nCREATE ROLE x;\n")
        .getBytes(StandardCharsets.UTF_8));
    Path create = RichDatabase.dump(db, Made.PLAIN, Files.createDirectories(files.resolve("create")), "--create");
    Path marker = files.resolve("shell-ran");
    Path shell = write("shell.sql", (header + "SELECT 1;\n\\! touch " + marker + "\n" + footer)
        .getBytes(StandardCharsets.UTF_8));
    Path hidden = write("hidden.sql", (header + "SELECT 'a''b' AS x; \\! touch " + marker + "\n" + footer)
        .getBytes(StandardCharsets.UTF_8));

    assertThat(refused(cluster, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("pg_dumpall script", "pg_dump DBNAME");
    assertThat(refused(create, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("\\connect", "--create", "remove its CREATE DATABASE and \\connect lines");
    assertThat(refused(shell, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("line 6 has the psql command \\!", "a shell command on the worker");
    assertThat(refused(hidden, FailureType.INVALID_INPUT).getOriginalMessage()).contains("line 5", "\\!");
    assertThat(marker).doesNotExist();
  }

  @Test
  void archivesThatPgRestoreCannotReadAreRefused() throws Exception {
    Path custom = RichDatabase.dump(db, Made.CUSTOM, files);
    byte[] whole = Files.readAllBytes(custom);
    Path cut = write("cut.dump", Arrays.copyOf(whole, whole.length * 2 / 3));
    Path gzipped = write("db.dump.gz", gzip(whole));

    assertThat(refused(cut, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("pg_restore cannot read all of it", "cut short or damaged");
    assertThat(refused(gzipped, FailureType.INVALID_INPUT).getOriginalMessage())
        .contains("gzip'd custom-format archive", "gunzip -k FILE");
  }

  @Test
  void anInPlaceRestoreOfAnArchiveThatBrokeSinceDropsNothing() throws Exception {
    var adapter = adapter();
    Path custom = RichDatabase.dump(db, Made.CUSTOM, Files.createDirectories(files.resolve("inplace")));
    var imported = adapter.importBackup(new ImportRequest(NAME, custom.toString(), "bob", "k/r4/import", false));
    Path stored = backups.resolve(NAME).resolve(imported.backupId()).resolve("dump").resolve("backup.dump");
    Files.write(stored, Arrays.copyOf(Files.readAllBytes(stored), 16));

    for (int attempt = 1; attempt <= 2; attempt++) {
      ApplicationFailure f = failure(() -> adapter.restoreInPlace(new dev.runbook.workflows.activities
          .DatabaseActivities.InPlaceRestoreRequest(NAME, imported.backupId(), "rollback-shop/r4/restore", false)),
          FailureType.BACKUP_CORRUPT);
      assertThat(f.getOriginalMessage()).contains("cannot be read by pg_restore --list", "nothing was dropped");
      assertThat(Contents.of(db)).isEqualTo(live);
    }
  }

  @Test
  void aPsqlCommandSlippedIntoAnImportedFileLaterNeverReachesPsql() throws Exception {
    var adapter = adapter();
    var imported = adapter.importBackup(new ImportRequest(NAME, plain.toString(), "bob", "k/r3/import", false));
    Path stored = backups.resolve(NAME).resolve(imported.backupId()).resolve("dump").resolve("backup.sql");
    String text = Files.readString(stored);
    Path marker = files.resolve("shell-ran-at-restore");
    int at = text.indexOf("SET statement_timeout");
    Files.writeString(stored, text.substring(0, at) + "\\! touch " + marker + "\n" + text.substring(at));

    ApplicationFailure f = failure(() -> adapter.restoreStaged(
        new StagedRestoreRequest(NAME, imported.backupId(), "r3", "rollback-shop/r3/restore-staging", false)),
        FailureType.BACKUP_CORRUPT);

    assertThat(f.getOriginalMessage()).contains("cannot be loaded", "the psql command \\!",
        "psql was stopped before the end, so nothing of it was kept");
    assertThat(marker).doesNotExist();
    assertThat(exists(db + "__rb_r3")).isFalse();
    assertThat(Contents.of(db)).isEqualTo(live);
  }
}
