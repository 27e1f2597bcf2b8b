package dev.runbook.activities.check;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.model.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One smoke check of a service, from {@code runbook.yaml}; exactly one of {@code http}, {@code
 * sql} or {@code command} is set:
 *
 * <pre>
 * smokeChecks:
 *   - name: version
 *     http: { url: "http://127.0.0.1:8081/version", status: 200, jsonField: version, equals: v2 }
 *   - name: orders-table
 *     sql:
 *       jdbcUrl: jdbc:postgresql://127.0.0.1:5432/shop
 *       user: runbook
 *       password: ${SHOP_DB_PASSWORD}
 *       query: select count(*) from orders
 *       min: 1
 *   - name: auth
 *     command: { argv: [./bin/check-auth, --quick], exitCode: 0, timeout: 30s }
 * </pre>
 */
public record CheckSettings(String name, HttpCheck http, SqlCheck sql, CommandCheck command) {

  /**
   * @param status the expected HTTP status (default 200)
   * @param jsonField a field of the JSON answer (a name or dotted path) that must equal {@code
   *     equalTo}
   */
  public record HttpCheck(
      String url,
      Integer status,
      String jsonField,
      @JsonProperty("equals") String equalTo,
      Duration timeout) {
    public HttpCheck {
      status = status == null ? 200 : status;
      timeout = timeout == null ? HttpProbe.DEFAULT_TIMEOUT : timeout;
    }
  }

  /**
   * A query that returns one number, compared with {@code min}, {@code max} and/or {@code
   * equals}. The query is configuration, never request input; it runs in a read-only
   * transaction.
   */
  public record SqlCheck(
      String jdbcUrl,
      String user,
      Secret password,
      String query,
      Double min,
      Double max,
      @JsonProperty("equals") Double equalTo,
      Duration timeout) {
    public SqlCheck {
      password = password == null ? Secret.of("") : password;
      timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }
  }

  /** A program run as an argv array (never through a shell), expected to exit {@code exitCode}. */
  public record CommandCheck(List<String> argv, Integer exitCode, String workDir, Duration timeout) {
    public CommandCheck {
      argv = argv == null ? List.of() : List.copyOf(argv);
      exitCode = exitCode == null ? 0 : exitCode;
      timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
    }
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    if (name == null || !Validation.NAME.matcher(name).matches()) {
      problems.add(path + ".name: " + (name == null ? "missing" : "'" + Validation.printable(name)
          + "' is not a valid name") + ": give the check a short name (lower-case letters,"
          + " digits, '.', '_', '-'), it names the check in reports");
    }
    long kinds = Stream.of(http, sql, command).filter(k -> k != null).count();
    if (kinds != 1) {
      problems.add(path + ": " + (kinds == 0 ? "no check given" : "more than one check given")
          + ": set exactly one of http, sql or command");
    }
    if (http != null) {
      String p = path + ".http";
      String url = HttpProbe.urlProblem(http.url());
      if (url != null) {
        problems.add(p + ".url: " + url + ": use the full URL, e.g. http://127.0.0.1:8081/health");
      }
      if (http.status() < 100 || http.status() > 599) {
        problems.add(p + ".status: " + http.status() + " is not an HTTP status: use e.g. 200");
      }
      if ((http.jsonField() == null) != (http.equalTo() == null)) {
        problems.add(p + ": jsonField and equals go together: set both or neither");
      }
      positive(problems, p + ".timeout", http.timeout());
    }
    if (sql != null) {
      String p = path + ".sql";
      if (sql.jdbcUrl() == null || !sql.jdbcUrl().startsWith("jdbc:postgresql:")) {
        problems.add(p + ".jdbcUrl: " + (sql.jdbcUrl() == null ? "missing" : "not a PostgreSQL"
            + " JDBC URL") + ": use jdbc:postgresql://HOST:PORT/DATABASE");
      }
      if (sql.user() == null || sql.user().isBlank()) {
        problems.add(p + ".user: missing: name the database user the check connects as");
      }
      if (sql.query() == null || sql.query().isBlank()) {
        problems.add(p + ".query: missing: give a query that returns one number");
      } else if (sql.query().strip().replaceAll(";\\s*$", "").contains(";")) {
        problems.add(p + ".query: more than one statement: give one query returning one number");
      }
      if (sql.min() == null && sql.max() == null && sql.equalTo() == null) {
        problems.add(p + ": nothing to compare with: set min, max or equals");
      }
      if (sql.min() != null && sql.max() != null && sql.min() > sql.max()) {
        problems.add(p + ": min " + sql.min() + " is above max " + sql.max() + ": swap them");
      }
      positive(problems, p + ".timeout", sql.timeout());
    }
    if (command != null) {
      String p = path + ".command";
      if (command.argv().isEmpty() || command.argv().get(0).isBlank()) {
        problems.add(p + ".argv: missing: give the program and its arguments as a list");
      }
      positive(problems, p + ".timeout", command.timeout());
    }
    return problems;
  }

  static void positive(List<String> problems, String path, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      problems.add(path + ": " + d + " is not a positive duration: use e.g. 30s");
    }
  }
}
