package dev.runbook.activities.database;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A named check: a SQL query (PostgreSQL) or a command ({@code engine: command}, an argv whose
 * last line of output is the number, {@code {database}} standing for the database checked)
 * returns one number, compared with {@code min}, {@code max} or {@code equals}. Checks are
 * configuration only; no request field ever becomes SQL or an argument.
 *
 * <pre>
 * - name: no orphan order lines
 *   sql: select count(*) from order_lines l left join orders o on o.id = l.order_id where o.id is null
 *   equals: 0
 * - name: customers present
 *   sql: select count(*) from customers
 *   min: 1
 * - name: orders present (engine: command)
 *   command: [mariadb, -N, -e, "select count(*) from orders", "{database}"]
 *   min: 1
 * </pre>
 */
public record IntegrityCheck(
    String name, String sql, BigDecimal min, BigDecimal max, BigDecimal equals, List<String> command) {

  public IntegrityCheck {
    command = command == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(command));
  }

  /** A SQL check. */
  public IntegrityCheck(String name, String sql, BigDecimal min, BigDecimal max, BigDecimal equals) {
    this(name, sql, min, max, equals, null);
  }

  /** Problems of a check on PostgreSQL. */
  public List<String> problems(String path) {
    return problems(path, false);
  }

  /** @param commandEngine whether the database is {@code engine: command} (checks are commands) */
  public List<String> problems(String path, boolean commandEngine) {
    List<String> p = new ArrayList<>();
    if (name == null || name.isBlank()) {
      p.add(path + ".name is required: say what the check proves, e.g. 'no orphan order lines'");
    }
    if (command != null && sql != null) {
      p.add(path + " has both sql and command: keep the one your engine runs");
    } else if (commandEngine && sql == null) {
      p.addAll(Templates.problems(path + ".command", command, true,
          "prints one number, e.g. [mariadb, -N, -e, \"select count(*) from orders\", \"{database}\"]",
          java.util.Set.of(Templates.DATABASE)));
    } else if (!commandEngine && command == null && (sql == null || sql.isBlank())) {
      p.add(path + ".sql is required: a query returning one number, e.g. select count(*) from orders");
    }
    if (min == null && max == null && equals == null) {
      p.add(path + " has no min, max or equals: give the bound the query's number must meet");
    }
    if (equals != null && (min != null || max != null)) {
      p.add(path + " has equals together with min or max: use equals alone, or min and/or max");
    }
    if (min != null && max != null && min.compareTo(max) > 0) {
      p.add(path + ".min " + min + " is above .max " + max + ": swap them");
    }
    return p;
  }

  /** Whether the number the query returned meets the bounds. */
  public boolean accepts(BigDecimal value) {
    if (value == null) {
      return false;
    }
    if (equals != null) {
      return value.compareTo(equals) == 0;
    }
    return (min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0);
  }

  /** The bounds as a person reads them, e.g. "= 0" or "between 1 and 10". */
  public String expectation() {
    if (equals != null) {
      return "= " + equals.toPlainString();
    }
    if (min != null && max != null) {
      return "between " + min.toPlainString() + " and " + max.toPlainString();
    }
    return min != null ? ">= " + min.toPlainString() : "<= " + max.toPlainString();
  }
}
