package dev.runbook.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestValidationTest {
  private static EmergencyRollbackRequest emergency(String service, String toVersion, String by) {
    return new EmergencyRollbackRequest(service, Severity.P1, "errors", by, false, null, toVersion, false, null, null, null, null);
  }

  @Test
  void aGoodRequestHasNoProblemsAndABusinessScopedId() {
    EmergencyRollbackRequest r = emergency("api", "v1.2.3", "erin");
    assertThat(r.problems()).isEmpty();
    assertThat(r.workflowId()).isEqualTo("rollback-api");
    assertThat(Validation.requireValid(r)).isSameAs(r);
  }

  @Test
  void injectionAttemptsAreRefusedNamingTheFieldAndTheFix() {
    assertThat(emergency("api", "v1; rm -rf /", "erin").problems())
        .containsExactly("toVersion 'v1; rm -rf /' is not a valid version: use letters, digits and . _ + : @ - (no spaces, quotes, ';', '$' or '/')");
    assertThat(emergency("api\"; drop table", "v1", "erin").problems()).singleElement()
        .satisfies(p -> assertThat(p).startsWith("service 'api\"; drop table' is not a valid name"));
    assertThat(emergency("api", "$(reboot)", "erin").problems()).hasSize(1);
    assertThat(emergency("api", "v1", "erin\nroot").problems()).singleElement()
        .satisfies(p -> assertThat(p).contains("requestedBy 'erin?root'"));
    assertThatThrownBy(() -> Validation.requireValid(emergency("API", "v1", "erin")))
        .hasMessageStartingWith("invalid emergency request: service 'API' is not a valid name");
  }

  @Test
  void missingAndContradictoryFieldsAreNamed() {
    EmergencyRollbackRequest r = new EmergencyRollbackRequest(
        null, null, " ", null, false, null, null, false, "db", "2", Duration.ofDays(3), Instant.EPOCH);
    assertThat(r.problems()).contains(
        "service is required",
        "severity is required: use P0, P1 or P2",
        "reason is required: say why this rollback is needed",
        "requestedBy is required",
        "database and toMigration need withDatabase: add --with-database or drop them",
        "monitorFor PT72H is out of range: use 0 to PT24H",
        "notBefore is only for P2 runs: drop it or use severity P2");
  }

  @Test
  void aConfigurationOnlyRollbackKeepsTheVersionAndTheSchemaAndExcludesWithConfig() {
    EmergencyRollbackRequest ok = new EmergencyRollbackRequest("api", Severity.P1, "bad STRIPE_KEY", "erin", false, null,
        null, false, null, null, null, null, false, null, null, true, false);
    assertThat(ok.problems()).isEmpty();
    EmergencyRollbackRequest both = new EmergencyRollbackRequest("api", Severity.P1, "x", "erin", false, null,
        null, false, null, null, null, null, false, null, null, true, true);
    assertThat(both.problems()).containsExactly("configOnly and withConfig exclude each other: --config-only keeps the"
        + " version, --with-config moves both; pick one");
    EmergencyRollbackRequest moving = new EmergencyRollbackRequest("api", Severity.P1, "x", "erin", false, null,
        "v1", true, null, null, null, null, false, null, null, true, false);
    assertThat(moving.problems()).containsExactly("configOnly keeps the version and the schema: drop --to-version and"
        + " --with-database, or use --with-config to move the version and its configuration together");
    EmergencyRollbackRequest together = new EmergencyRollbackRequest("api", Severity.P1, "x", "erin", false, null,
        "v1", true, null, null, null, null, false, null, null, false, true);
    assertThat(together.problems()).isEmpty();
  }

  @Test
  void databaseRequestsCheckTheirModeSpecificFields() {
    DatabaseRollbackRequest r = new DatabaseRollbackRequest(
        "api", null, Severity.P0, "x", "erin", false, null, DatabaseMode.REVERT, RestoreStrategy.IN_PLACE,
        "2", 3, "../../etc", null, List.of("web", "Bad Name"), null);
    assertThat(r.problems()).contains(
        "give toMigration or steps, not both",
        "backupId, strategy and crossRestore are for restore: drop them or use mode restore",
        "backupId takes a backup ID, not a file: '../../etc' looks like a path or a dump file. Pass an ID"
            + " that `runbook backups api` lists, or give the file as backupFile (`--backup-file ../../etc`):"
            + " the run imports it first");
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("stopServices[] 'Bad Name'"));
  }

  private static DatabaseRollbackRequest restore(String backupId, boolean crossRestore) {
    return new DatabaseRollbackRequest("api", "orders", Severity.P1, "x", "erin", false, null,
        DatabaseMode.RESTORE, null, null, null, backupId, null, null, null, crossRestore);
  }

  @Test
  void aBackupIdIsAnIdFromTheListNeverAFileAndACrossRestoreNamesItsBackup() {
    assertThat(restore("rollback-api-r1-backup-0123456789ab", false).problems()).isEmpty();
    assertThat(restore("rollback-api-r1-backup-0123456789ab", true).problems()).isEmpty();
    for (String file : List.of("/backups/db_2026-11-25.sql.gz", "dump.sql", "orders.dump", "orders.tar",
        "nightly.gz", "backups/orders")) {
      assertThat(restore(file, false).problems()).as(file).singleElement().satisfies(p -> assertThat(p)
          .startsWith("backupId takes a backup ID, not a file: '" + file + "'")
          .contains("`runbook backups orders`"));
    }
    assertThat(restore("Nightly Copy", false).problems()).containsExactly(
        "backupId 'Nightly Copy' is not a backup ID: use one that `runbook backups orders` lists"
            + " (lower-case letters, digits, '-' and '_')");
    assertThat(restore(null, true).problems()).singleElement()
        .satisfies(p -> assertThat(p).startsWith("crossRestore needs backupId: name the backup to copy into orders"));
  }

  private static DatabaseRollbackRequest fromFile(DatabaseMode mode, String backupId, boolean cross, String file) {
    return new DatabaseRollbackRequest("api", "orders", Severity.P1, "x", "erin", false, null,
        mode, null, null, null, backupId, null, null, null, cross, file);
  }

  @Test
  void aBackupFileIsAnAbsolutePathForARestoreInsteadOfABackupId() {
    assertThat(fromFile(DatabaseMode.RESTORE, null, false, "/backups/db_2026-11-25.sql.gz").problems()).isEmpty();
    assertThat(fromFile(DatabaseMode.RESTORE, "rollback-api-r1-backup-0123456789ab", false, "/backups/db.sql.gz")
        .problems()).singleElement().satisfies(p -> assertThat(p).startsWith("give backupId or backupFile, not both"));
    assertThat(fromFile(null, null, false, "/backups/db.sql.gz").problems())
        .containsExactly("backupFile is for a restore: add mode restore (`--mode restore`)");
    assertThat(fromFile(DatabaseMode.RESTORE, null, true, "/backups/db.sql.gz").problems()).singleElement()
        .satisfies(p -> assertThat(p).startsWith("crossRestore does not go with backupFile"));
    assertThat(fromFile(DatabaseMode.RESTORE, null, false, "backups/db.sql.gz").problems()).singleElement()
        .satisfies(p -> assertThat(p).contains("is not an absolute path", "on the workers"));
    assertThat(fromFile(DatabaseMode.RESTORE, null, false, "/backups/../etc/shadow").problems()).singleElement()
        .satisfies(p -> assertThat(p).contains("has '..' in it"));
    assertThat(fromFile(DatabaseMode.RESTORE, null, false, "/backups/db\n.sql").problems()).singleElement()
        .satisfies(p -> assertThat(p).contains("not a path", "no control characters"));
  }

  @Test
  void anImportNamesADatabaseAnAbsoluteFileAndThePerson() {
    assertThat(new BackupImportRequest("orders", "/backups/db.sql.gz", "erin").problems()).isEmpty();
    assertThat(new BackupImportRequest("Orders DB", "db.sql.gz", null).problems()).containsExactly(
        "database 'Orders DB' is not a valid name: use lower-case letters, digits, '.', '_' or '-' (at most 63,"
            + " starting with a letter or digit)",
        "file 'db.sql.gz' is not an absolute path: give the dump's full path on the workers (e.g."
            + " /var/backups/db_2026-11-25.sql.gz); they resolve nothing against a working directory",
        "importedBy is required");
    assertThat(new BackupImportRequest("orders", null, "erin").problems())
        .containsExactly("file is required: the absolute path of the dump on the workers");
    assertThat(new BackupImportRequest("orders", "/a.sql", "erin").workflowId())
        .isEqualTo(new BackupImportRequest("orders", "/a.sql", "bob").workflowId())
        .isNotEqualTo(new BackupImportRequest("orders", "/b.sql", "erin").workflowId())
        .isNotEqualTo(new BackupImportRequest("shop", "/a.sql", "erin").workflowId());
  }

  @Test
  void fullRequestsNeedServicesOnceEachAndTargetsForKnownOnes() {
    FullRollbackRequest r = new FullRollbackRequest(
        "prod", List.of("api", "api"), List.of("main"), Severity.P0, "x", "erin", false, null,
        Map.of("web", "w1"), Map.of("main", "x1"), null);
    assertThat(r.problems()).contains(
        "services lists 'api' twice: list each service once",
        "toVersions names 'web', which is not in services",
        "toMigrations.main 'x1' is not a migration version: use digits, e.g. 2");
    assertThat(r.workflowId()).isEqualTo("rollback-full-prod");
  }

  @Test
  void enumsParseWhatPeopleType() {
    assertThat(Severity.parse("p1")).isEqualTo(Severity.P1);
    assertThat(Severity.parse("2")).isEqualTo(Severity.P2);
    assertThatThrownBy(() -> Severity.parse("P5")).hasMessage("severity 'P5' is not valid: use P0 (no approval), P1 or P2");
    assertThat(RunbookType.parse("Emergency")).isEqualTo(RunbookType.EMERGENCY);
    assertThat(DecisionAction.parse("Compensate")).isEqualTo(DecisionAction.COMPENSATE);
    assertThat(Phase.fromLabel("needs-decision")).isEqualTo(Phase.NEEDS_DECISION);
    assertThat(RestoreStrategy.parse("in-place")).isEqualTo(RestoreStrategy.IN_PLACE);
  }
}
