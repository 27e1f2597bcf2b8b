package dev.runbook.activities.database;

import dev.runbook.activities.exec.CommandRunner.Result;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.model.Validation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The integrity checks of an {@code engine: command} database: each check's command runs on the
 * database checked (the live one or a staging copy) and prints one number, its last line, which
 * is compared with the bounds. A command that fails, or prints no number, fails its check.
 */
final class CommandChecks {
  private CommandChecks() {}

  static List<CheckResult> run(CommandEngine engine, String database, List<IntegrityCheck> checks) {
    List<CheckResult> results = new ArrayList<>();
    for (IntegrityCheck check : checks) {
      results.add(one(engine, database, check));
    }
    return results;
  }

  private static CheckResult one(CommandEngine engine, String database, IntegrityCheck check) {
    Result r = engine.check(check, database);
    if (!r.ok()) {
      return new CheckResult(check.name(), false, "exited " + r.exitCode() + ": " + engine.redact(r.tail(300)));
    }
    String[] lines = r.stdout().strip().split("\n");
    String last = lines[lines.length - 1].strip();
    BigDecimal value;
    try {
      value = last.isEmpty() ? null : new BigDecimal(last);
    } catch (NumberFormatException e) {
      return new CheckResult(check.name(), false, "printed '" + Validation.printable(engine.redact(
          last.length() > 80 ? last.substring(0, 80) + "..." : last)) + "', not a number; expected " + check.expectation());
    }
    if (value == null) {
      return new CheckResult(check.name(), false, "printed nothing; expected " + check.expectation());
    }
    return new CheckResult(check.name(), check.accepts(value),
        "returned " + value.toPlainString() + ", expected " + check.expectation());
  }
}
