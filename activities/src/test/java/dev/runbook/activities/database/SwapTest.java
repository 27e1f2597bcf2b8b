package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.exists;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.activities.FailureType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging restores and name swaps, with hostile and over-long database names. */
class SwapTest {
  @TempDir Path backups;

  @Test
  void aDatabaseNameWithQuotesSpacesAndEqualsSignsIsPassedInertlyEverywhere() {
    String db = "we\"ird'db = x " + TestPostgres.freshDatabase("q"); // also proves the fixture name is unique
    TestPostgres.server().createDatabase(db);
    Fixtures.flywayMigrate(db, "2");
    Snapshot after2 = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo"),
        List.of(new IntegrityCheck("items", "select count(*) from items", null, null, java.math.BigDecimal.valueOf(1000)))),
        backups);

    String id = adapter.backup(new BackupRequest(NAME, "k", false)).backupId();
    RestoreResult staged = adapter.restoreStaged(new StagedRestoreRequest(NAME, id, "r1", "k", false));
    assertThat(staged.target()).isEqualTo(db + "__rb_r1");
    assertThat(staged.planned()).anySatisfy(p -> assertThat(p).contains("pg_restore", "--dbname=dbname="));
    assertThat(adapter.checkIntegrity(new IntegrityRequest(NAME, "r1", "2", true, false)).passed()).isTrue();
    SwapResult swapped = adapter.swap(new SwapRequest(NAME, "r1", "k", false));

    assertThat(swapped.planned()).contains("ALTER DATABASE \"" + db.replace("\"", "\"\"") + "\" RENAME TO \""
        + (db + "__before_r1").replace("\"", "\"\"") + "\"");
    assertThat(Snapshot.of(db)).isEqualTo(after2);
    assertThat(exists(db + "__before_r1")).isTrue();
    assertThat(adapter.swapBack(new SwapRequest(NAME, "r1", "k", false)).changed()).isTrue();
    assertThat(adapter.dropStaging(new SwapRequest(NAME, "r1", "k", false)).changed()).isTrue();
    assertThat(exists(db)).isTrue();
  }

  @Test
  void generatedNamesFitIn63BytesByCuttingTheBaseAndKeepingTheTag() {
    // 5 + 40 + 1 + about 10 bytes: fits alone, but not with "__rb_" and the tag.
    String db = "long_" + "é".repeat(20) + "_" + TestPostgres.freshDatabase("n");
    TestPostgres.server().createDatabase(db);
    TestPostgres.execute(db, "create table t (id int primary key)", "insert into t values (1)");
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);
    String tag = "run-2026-11-21-x";

    String id = adapter.backup(new BackupRequest(NAME, "k", false)).backupId();
    String staging = adapter.restoreStaged(new StagedRestoreRequest(NAME, id, tag, "k", false)).target();
    String safety = adapter.swap(new SwapRequest(NAME, tag, "k", false)).safetyName();

    assertThat(staging.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    assertThat(safety.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    assertThat(staging).endsWith("__rb_" + tag).startsWith("long_é");
    assertThat(safety).endsWith("__before_" + tag);
    assertThat(exists(safety)).isTrue(); // the server kept the name whole: it was not truncated
    assertThat(exists(db)).isTrue();
  }

  @Test
  void whenTheSecondRenameFailsTheFirstIsUndoneAndTheLiveDatabaseKeepsItsName() throws Exception {
    String db = TestPostgres.freshDatabase("swapfail");
    Fixtures.flywayMigrate(db, "2");
    Snapshot live = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);
    String id = adapter.backup(new BackupRequest(NAME, "k", false)).backupId();
    adapter.restoreStaged(new StagedRestoreRequest(NAME, id, "r1", "k", false));

    // A session on the staging database blocks its rename (the live side's sessions are ended).
    try (Connection blocker = TestPostgres.connect(db + "__rb_r1");
        Connection app = TestPostgres.connect(db)) {
      var f = failure(() -> adapter.swap(new SwapRequest(NAME, "r1", "k", false)), FailureType.UNAVAILABLE);
      assertThat(f.getOriginalMessage()).contains("rolled back", "is being accessed by other users");
      assertThat(app.isValid(2)).as("the application's session on the live database was ended").isFalse();
      assertThat(blocker.isValid(2)).isTrue();
    }
    assertThat(exists(db)).isTrue();
    assertThat(exists(db + "__before_r1")).isFalse();
    assertThat(Snapshot.of(db)).isEqualTo(live);

    assertThat(adapter.swap(new SwapRequest(NAME, "r1", "k", false)).changed()).isTrue(); // once it is free
  }

  @Test
  void swapNeedsACompletedStagingRestoreAndDropStagingNeverTouchesAnythingElse() {
    String db = TestPostgres.freshDatabase("swapguard");
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);

    failure(() -> adapter.swap(new SwapRequest(NAME, "r9", "k", false)), FailureType.UNKNOWN_DATABASE);
    TestPostgres.server().createDatabase(db + "__rb_r9"); // a leftover without the completion marker
    var incomplete = failure(() -> adapter.swap(new SwapRequest(NAME, "r9", "k", false)), FailureType.INVALID_INPUT);
    assertThat(incomplete.getOriginalMessage()).contains("no completed restore");

    var hostile = failure(() -> adapter.dropStaging(new SwapRequest(NAME, "x\"; drop database postgres; --", "k", false)),
        FailureType.INVALID_INPUT);
    assertThat(hostile.getOriginalMessage()).contains("runTag");
    failure(() -> adapter.dropStaging(new SwapRequest(NAME, "../" + db, "k", false)), FailureType.INVALID_INPUT);
    assertThat(adapter.swapBack(new SwapRequest(NAME, "r9", "k", false)).changed()).isFalse();

    assertThat(adapter.dropStaging(new SwapRequest(NAME, "r9", "k", false)).changed()).isTrue();
    assertThat(exists(db)).isTrue();
    assertThat(exists("postgres")).isTrue();
  }

  @Test
  void anIncompleteStagingDatabaseIsDroppedAndRestoredAgain() {
    String db = TestPostgres.freshDatabase("restage");
    Fixtures.flywayMigrate(db, "2");
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);
    String id = adapter.backup(new BackupRequest(NAME, "k", false)).backupId();
    TestPostgres.server().createDatabase(db + "__rb_r2");
    TestPostgres.execute(db + "__rb_r2", "create table half_restored (id int)");

    RestoreResult r = adapter.restoreStaged(new StagedRestoreRequest(NAME, id, "r2", "k", false));

    assertThat(r.changed()).isTrue();
    assertThat(r.planned()).first().asString().startsWith("SELECT pg_terminate_backend");
    assertThat(Snapshot.of(db + "__rb_r2")).isEqualTo(Snapshot.of(db));
  }
}
