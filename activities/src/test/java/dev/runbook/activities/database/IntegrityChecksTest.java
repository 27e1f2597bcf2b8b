package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityReport;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.FailureType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured SQL checks against a real database: bounds, failing queries, read-only. */
class IntegrityChecksTest {
  @TempDir Path backups;

  private static IntegrityCheck check(String name, String sql, Integer min, Integer max, Integer equals) {
    return new IntegrityCheck(name, sql, min == null ? null : BigDecimal.valueOf(min),
        max == null ? null : BigDecimal.valueOf(max), equals == null ? null : BigDecimal.valueOf(equals));
  }

  @Test
  void eachCheckIsComparedAndTheReportListsWhatFailed() {
    String db = TestPostgres.freshDatabase("checks");
    Fixtures.flywayMigrate(db, "2");
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo"), List.of(
        check("customers", "select count(*) from customers", 1, null, null),
        check("items in range", "select count(*) from items", null, 500, null),
        check("no orphans", "select count(*) from items i left join customers c on c.id = i.customer_id"
            + " where c.id is null", null, null, 0),
        check("broken query", "select count(*) from no_such_table", null, null, 0),
        check("writes refused", "delete from customers returning 1", null, null, 1))), backups);

    IntegrityReport report = adapter.checkIntegrity(new IntegrityRequest(NAME, null, "2", false, false));

    assertThat(report.passed()).isFalse();
    assertThat(report.schemaVersion()).isEqualTo("2");
    assertThat(report.checks()).extracting(CheckResult::name, CheckResult::passed).containsExactly(
        org.assertj.core.groups.Tuple.tuple("customers", true),
        org.assertj.core.groups.Tuple.tuple("items in range", false),
        org.assertj.core.groups.Tuple.tuple("no orphans", true),
        org.assertj.core.groups.Tuple.tuple("broken query", false),
        org.assertj.core.groups.Tuple.tuple("writes refused", false),
        org.assertj.core.groups.Tuple.tuple("schema version", true));
    assertThat(report.checks().get(1).detail()).isEqualTo("returned 1000, expected <= 500");
    assertThat(report.checks().get(3).detail()).contains("query failed", "no_such_table");
    assertThat(report.checks().get(4).detail()).contains("read-only transaction");
    assertThat(Snapshot.of(db).rowCounts()).containsEntry("customers", 200L);

    var enforced = failure(() -> adapter.checkIntegrity(new IntegrityRequest(NAME, null, null, true, false)),
        FailureType.INTEGRITY_CHECK_FAILED);
    assertThat(enforced.getOriginalMessage()).contains("items in range: returned 1000, expected <= 500",
        "broken query", "writes refused").doesNotContain("customers:");
  }

  @Test
  void theExpectedSchemaIsValidatedAndAMissingStagingDatabaseIsNamed() {
    String db = TestPostgres.freshDatabase("checks_schema");
    Fixtures.flywayMigrate(db, "3");
    var adapter = Fixtures.adapter(Fixtures.settings(db, Fixtures.flyway("flyway/undo")), backups);

    assertThat(adapter.checkIntegrity(new IntegrityRequest(NAME, null, "3.0", true, false)).passed()).isTrue();
    failure(() -> adapter.checkIntegrity(new IntegrityRequest(NAME, null, "3; drop table items", true, false)),
        FailureType.INVALID_INPUT);
    var staging = failure(() -> adapter.checkIntegrity(new IntegrityRequest(NAME, "nope", null, true, false)),
        FailureType.UNKNOWN_DATABASE);
    assertThat(staging.getOriginalMessage()).contains(db + "__rb_nope");
  }
}
