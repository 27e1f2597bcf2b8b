package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertResult;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** golang-migrate layout: schema_migrations(version, dirty) and *.down.sql files. */
class GolangMigrateRevertTest {
  @TempDir Path backups;

  @Test
  void revertTo2LeavesSchemaAndDataAsAfter2AndTheSecondCallDoesNothing() {
    String db = TestPostgres.freshDatabase("golang");
    Fixtures.golangMigrate(db, 1, 2);
    Snapshot after2 = Snapshot.of(db);
    Fixtures.golangMigrate(db, 3, 3);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.golang()), backups);

    assertThat(adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, "2", null, false)).toRevert())
        .containsExactly("3: 3_price_in_cents.down.sql");
    RevertResult first = adapter.revertMigrations(new RevertRequest(NAME, "2", "k", false));
    RevertResult second = adapter.revertMigrations(new RevertRequest(NAME, "2", "k", false));

    assertThat(first.changed()).isTrue();
    assertThat(first.reverted()).containsExactly("3");
    assertThat(first.planned()).contains("DELETE FROM \"schema_migrations\"",
        "INSERT INTO \"schema_migrations\" (version, dirty) VALUES (2, false)");
    assertThat(second.changed()).isFalse();
    assertThat(second.reverted()).isEmpty();
    assertThat(Snapshot.of(db)).isEqualTo(after2);
  }

  @Test
  void revertingEverythingEmptiesTheVersionTable() {
    String db = TestPostgres.freshDatabase("golang_all");
    TestPostgres.execute(db,
        "create table schema_migrations (version bigint not null primary key, dirty boolean not null)");
    Snapshot empty = Snapshot.of(db);
    Fixtures.golangMigrate(db, 1, 3);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.golang()), backups);

    RevertResult r = adapter.revertMigrations(new RevertRequest(NAME, "0", "k", false));

    assertThat(r.reverted()).containsExactly("3", "2", "1");
    assertThat(r.toVersion()).isEqualTo("0");
    assertThat(Snapshot.of(db)).isEqualTo(empty);
  }

  @Test
  void aDirtyVersionIsRefusedAndNothingRuns() {
    String db = TestPostgres.freshDatabase("golang_dirty");
    Fixtures.golangMigrate(db, 1, 3);
    TestPostgres.execute(db, "update schema_migrations set dirty = true");
    Snapshot before = Snapshot.of(db);
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.golang()), backups);

    var f = failure(() -> adapter.revertMigrations(new RevertRequest(NAME, "2", "k", false)),
        FailureType.MIGRATION_FAILED);
    failure(() -> adapter.resolveSchemaTarget(new SchemaTargetRequest(NAME, null, "2", null, false)),
        FailureType.MIGRATION_FAILED);

    assertThat(f.getOriginalMessage()).contains("dirty at version 3", "migrate force 3");
    assertThat(Snapshot.of(db)).isEqualTo(before);
  }
}
