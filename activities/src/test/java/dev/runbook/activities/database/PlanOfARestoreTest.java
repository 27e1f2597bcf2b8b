package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.plan.PlanActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.PlanActivities.Kind;
import dev.runbook.workflows.activities.PlanActivities.Plan;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.activities.PlanActivities.PlannedAction;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan of a revert and of a restore on a real database: the schema now and the undo SQL, the
 * backup's identity, and a line (and another hash) once a newer backup than the chosen one exists.
 */
class PlanOfARestoreTest {
  @TempDir Path backups;

  @Test
  void aRevertShowsTheSchemaNowAndTheUndoScriptsAndAMigrationAppliedMeanwhileChangesTheHash() {
    String db = TestPostgres.freshDatabase("plan_revert");
    TestPostgres.server().createDatabase(db);
    Fixtures.flywayMigrate(db, "2");
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), backups);
    PlanActivitiesImpl plans = new PlanActivitiesImpl(null, adapter, null);
    PlanRequest revert = new PlanRequest(List.of(new PlannedAction(Kind.REVERT_SCHEMA, Fixtures.NAME, "1", "2")));

    Plan plan = plans.plan(revert);
    assertThat(plan.lines().get(0)).isEqualTo(Fixtures.NAME + ": schema 2 -> 1, reverting 2: U2__seed_and_index.sql");
    assertThat(plan.lines()).contains("revert " + Fixtures.NAME + " to schema 1:");
    assertThat(plans.plan(revert).hash()).isEqualTo(plan.hash());

    Fixtures.flywayMigrate(db, "3");
    Plan later = plans.plan(revert);
    assertThat(later.lines().get(0)).startsWith(Fixtures.NAME + ": schema 3 -> 1, reverting 3");
    assertThat(later.hash()).isNotEqualTo(plan.hash());
  }

  @Test
  void aRestoreOfTheNewestBackupSaysWhenANewerOneAppearsAndANamedOneDoesNot() {
    String db = TestPostgres.freshDatabase("plan_restore");
    TestPostgres.server().createDatabase(db);
    TestPostgres.execute(db, "create table orders (id int primary key)", "insert into orders values (1)");
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);
    PlanActivitiesImpl plans = new PlanActivitiesImpl(null, adapter, null);
    String chosen = adapter.backup(new BackupRequest(Fixtures.NAME, "first", false)).backupId();
    PlanRequest newest = new PlanRequest(List.of(
        new PlannedAction(Kind.SWAP, Fixtures.NAME, chosen, PlanActivities.NEWEST, "r1")));
    PlanRequest named = new PlanRequest(List.of(new PlannedAction(Kind.SWAP, Fixtures.NAME, chosen, null, "r1")));

    Plan asked = plans.plan(newest);
    assertThat(asked.lines().get(0)).startsWith(Fixtures.NAME + ": restore backup " + chosen + " taken ")
        .contains(" bytes, schema unknown", ", into " + db + " on 127.0.0.1:");
    assertThat(asked.lines()).hasSize(2);
    Plan namedBefore = plans.plan(named);

    String newer = adapter.backup(new BackupRequest(Fixtures.NAME, "second", false)).backupId();
    Plan now = plans.plan(newest);
    assertThat(now.lines()).anySatisfy(l -> assertThat(l)
        .startsWith(Fixtures.NAME + ": a newer backup exists: " + newer + " taken ")
        .endsWith("this run restores " + chosen + " (reject and start again to restore the newer one)"));
    assertThat(now.hash()).isNotEqualTo(asked.hash());
    assertThat(plans.plan(named).hash()).isEqualTo(namedBefore.hash());
  }
}
