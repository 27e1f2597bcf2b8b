package dev.runbook.activities.database;

import dev.runbook.workflows.activities.CheckResult;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the configured SQL checks in a read-only session with a statement timeout. A check whose
 * query fails counts as failed (its error is the detail); an unreachable server is a failure of
 * the whole step, classified by {@link PgClient}.
 */
final class IntegrityChecks {
  static final String SESSION_SETUP = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
  static final String TIMEOUT = "SET statement_timeout = '60s'";

  private IntegrityChecks() {}

  static List<CheckResult> run(PgClient client, String database, List<IntegrityCheck> checks) {
    return client.run(database, "run the integrity checks", c -> {
      try (Statement s = c.createStatement()) {
        s.execute(SESSION_SETUP);
        s.execute(TIMEOUT);
      }
      List<CheckResult> results = new ArrayList<>();
      for (IntegrityCheck check : checks) {
        results.add(one(client, c, check));
      }
      return results;
    });
  }

  private static CheckResult one(PgClient client, Connection c, IntegrityCheck check) throws SQLException {
    BigDecimal value;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(check.sql())) {
      if (!rs.next()) {
        return new CheckResult(check.name(), false, "returned no row; expected " + check.expectation());
      }
      value = rs.getBigDecimal(1);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw e; // the connection is gone: not this check's fault
      }
      return new CheckResult(check.name(), false, "query failed: " + client.redact(e.getMessage()));
    }
    boolean passed = check.accepts(value);
    return new CheckResult(check.name(), passed,
        "returned " + (value == null ? "null" : value.toPlainString()) + ", expected " + check.expectation());
  }
}
