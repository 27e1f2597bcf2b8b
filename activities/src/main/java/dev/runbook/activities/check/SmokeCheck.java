package dev.runbook.activities.check;

import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Runs one configured smoke check. A check that does not hold (wrong status, a number out of
 * range, a non-zero exit, a server that does not answer) is a failed {@link CheckResult}: the
 * caller decides, and retries, since a service coming back up may not pass at once. A check that
 * can never pass as configured (a refused password, a query with a syntax error, a program that
 * does not exist) throws a non-retryable failure naming the check and what to fix.
 */
final class SmokeCheck {
  private final Path baseDir;
  private final CommandRunner commands;

  SmokeCheck(Path baseDir, CommandRunner commands) {
    this.baseDir = baseDir;
    this.commands = commands;
  }

  /** What the check runs, for {@code planned}: a URL, a SQL text or an argv. Never a secret. */
  static String plan(CheckSettings check) {
    if (check.http() != null) {
      return "GET " + HttpProbe.display(check.http().url());
    }
    if (check.sql() != null) {
      CheckSettings.SqlCheck sql = check.sql();
      return "SQL (" + sql.password().redact(sql.jdbcUrl()) + " as " + sql.user() + "): "
          + sql.query().strip();
    }
    return Shell.display(check.command().argv());
  }

  CheckResult run(CheckSettings check, Heartbeat heartbeat) {
    if (check.http() != null) {
      return http(check.name(), check.http());
    }
    if (check.sql() != null) {
      return sql(check.name(), check.sql());
    }
    return command(check.name(), check.command(), heartbeat);
  }

  private static CheckResult http(String name, CheckSettings.HttpCheck http) {
    String url = HttpProbe.display(http.url());
    HttpProbe.Response response;
    try {
      response = HttpProbe.get(http.url(), http.timeout());
    } catch (IOException e) {
      return new CheckResult(name, false, "GET " + url + ": " + HttpProbe.reason(e));
    }
    if (response.status() != http.status()) {
      return new CheckResult(name, false, "GET " + url + " answered " + response.status()
          + ", expected " + http.status() + ": " + HttpProbe.snippet(response.body()));
    }
    if (http.jsonField() == null) {
      return new CheckResult(name, true, "GET " + url + " answered " + response.status());
    }
    Optional<String> actual = HttpProbe.jsonField(response.body(), http.jsonField());
    if (actual.isEmpty()) {
      return new CheckResult(name, false, "GET " + url + " has no JSON field '"
          + http.jsonField() + "': " + HttpProbe.snippet(response.body()));
    }
    boolean equal = actual.get().equals(http.equalTo());
    return new CheckResult(name, equal, "GET " + url + " answered " + response.status() + ", "
        + http.jsonField() + " = '" + actual.get() + "'"
        + (equal ? "" : ", expected '" + http.equalTo() + "'"));
  }

  private static CheckResult sql(String name, CheckSettings.SqlCheck sql) {
    Properties props = new Properties();
    props.setProperty("user", sql.user());
    props.setProperty("password", sql.password().reveal());
    int seconds = (int) Math.max(1, sql.timeout().toSeconds());
    props.setProperty("connectTimeout", Integer.toString(seconds));
    props.setProperty("socketTimeout", Integer.toString(seconds + 5));
    props.setProperty("ApplicationName", "runbook smoke check " + name);
    try (Connection connection = DriverManager.getConnection(sql.jdbcUrl(), props)) {
      // A smoke check looks; it never writes, whatever the query says: it runs in a read-only
      // transaction that is rolled back.
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(seconds);
        try (ResultSet rows = statement.executeQuery(sql.query())) {
          if (!rows.next()) {
            return new CheckResult(name, false, "the query returned no row: it must return one"
                + " number");
          }
          Object value = rows.getObject(1);
          if (value == null) {
            return new CheckResult(name, false, "the query returned NULL");
          }
          BigDecimal number;
          try {
            number = new BigDecimal(value.toString().strip());
          } catch (NumberFormatException e) {
            throw Failures.of(FailureType.INVALID_INPUT, "smoke check " + name + ": the query"
                + " returned '" + value + "', not a number: make it return one number");
          }
          return compare(name, number.doubleValue(), sql);
        }
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String message = sql.password().redact(e.getMessage());
      if (state.startsWith("28")) {
        throw Failures.of(FailureType.BAD_CREDENTIALS, "smoke check " + name + ": the database"
            + " refused user " + sql.user() + " (" + message + "): fix its user or password");
      }
      if (state.equals("3D000")) {
        throw Failures.of(FailureType.UNKNOWN_DATABASE, "smoke check " + name + ": " + message
            + ": fix the database name in its jdbcUrl");
      }
      if (state.equals("42601")) {
        throw Failures.of(FailureType.INVALID_INPUT, "smoke check " + name + ": the query has a"
            + " syntax error (" + message + "): fix its query");
      }
      return new CheckResult(name, false, "SQL failed: " + message);
    }
  }

  private static CheckResult compare(String name, double value, CheckSettings.SqlCheck sql) {
    StringBuilder failed = new StringBuilder();
    if (sql.min() != null && value < sql.min()) {
      failed.append(", below min ").append(number(sql.min()));
    }
    if (sql.max() != null && value > sql.max()) {
      failed.append(", above max ").append(number(sql.max()));
    }
    if (sql.equalTo() != null && value != sql.equalTo()) {
      failed.append(", expected ").append(number(sql.equalTo()));
    }
    return new CheckResult(name, failed.length() == 0, "the query returned " + number(value)
        + failed);
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private CheckResult command(String name, CheckSettings.CommandCheck check, Heartbeat heartbeat) {
    Path dir = check.workDir() == null ? baseDir : baseDir.resolve(check.workDir());
    CommandRunner.Command command =
        new CommandRunner.Command(check.argv(), Map.of(), dir, check.timeout());
    CommandRunner.Result result;
    try {
      result = commands.run(command, heartbeat.ticker(), null);
    } catch (ApplicationFailure e) {
      if (FailureType.COMMAND_TIMEOUT.name().equals(e.getType())) {
        return new CheckResult(name, false, e.getOriginalMessage());
      }
      throw e;
    }
    boolean passed = result.exitCode() == check.exitCode();
    String tail = result.tail(300);
    return new CheckResult(name, passed, command.display() + " exited " + result.exitCode()
        + (passed ? "" : ", expected " + check.exitCode()) + (tail.isEmpty() ? "" : ": " + tail));
  }
}
