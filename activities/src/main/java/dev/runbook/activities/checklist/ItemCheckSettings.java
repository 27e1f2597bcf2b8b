package dev.runbook.activities.checklist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ticks a checklist item by itself: exactly one of
 *
 * <pre>
 * check: {health: {}}                      the run's services' health checks, as the runbooks verify them
 * check: {smoke: {}}                       the run's services' configured smoke checks
 * check: {errorRate: {below: 1%}}          the services' configured error-rate query, below a value
 * check: {sql: {database: shop, query: "select count(*) = 0 from orders where stuck", expect: ...}}
 * check: {statuspage: public}              the run's incident on that statuspage channel is resolved
 * </pre>
 */
public record ItemCheckSettings(
    Map<String, Object> health, Map<String, Object> smoke, ErrorRate errorRate, Sql sql, String statuspage) {

  /** @param below a share (0.01) or a percentage ("1%") */
  public record ErrorRate(String below) {
    /** The threshold as a share, or null when it cannot be read. */
    public Double share() {
      if (below == null || below.isBlank()) {
        return null;
      }
      String b = below.strip();
      try {
        return b.endsWith("%") ? Double.parseDouble(b.substring(0, b.length() - 1).strip()) / 100
            : Double.parseDouble(b);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /**
   * @param database a database under {@code databases}, read in a read-only transaction
   * @param expect the single value the query must return (as text); without it, true or non-zero
   */
  public record Sql(String database, String query, String expect) {}

  /** What the item's check is, in a few words (what people and the workflow see). */
  public String describe() {
    if (health != null) {
      return "health";
    }
    if (smoke != null) {
      return "smoke checks";
    }
    if (errorRate != null) {
      return "error rate below " + errorRate.below();
    }
    if (sql != null) {
      return "sql on " + sql.database();
    }
    return "statuspage " + statuspage + " resolved";
  }

  List<String> problems(String path, Set<String> databases, Set<String> statuspages) {
    List<String> p = new ArrayList<>();
    int kinds = (health != null ? 1 : 0) + (smoke != null ? 1 : 0) + (errorRate != null ? 1 : 0)
        + (sql != null ? 1 : 0) + (statuspage != null ? 1 : 0);
    if (kinds != 1) {
      p.add(path + ": give exactly one of health, smoke, errorRate, sql, statuspage (has " + kinds
          + "); leave check out for a manual item");
      return p;
    }
    if (errorRate != null) {
      Double share = errorRate.share();
      if (share == null || share < 0 || share > 1) {
        p.add(path + ".errorRate.below: '" + errorRate.below() + "' is not a rate: write 1% or 0.01");
      }
    }
    if (sql != null) {
      if (sql.database() == null || !databases.contains(sql.database())) {
        p.add(path + ".sql.database: '" + sql.database() + "' is not under databases: "
            + (databases.isEmpty() ? "add it there" : "name one of " + String.join(", ", databases.stream().sorted().toList())));
      }
      if (sql.query() == null || sql.query().isBlank()) {
        p.add(path + ".sql.query: missing: a query returning one value, e.g. select count(*) = 0 from ...");
      }
    }
    if (statuspage != null && !statuspages.contains(statuspage)) {
      p.add(path + ".statuspage: '" + statuspage + "' is not a statuspage channel under notify.channels"
          + (statuspages.isEmpty() ? ": add one" : ": name one of " + String.join(", ", statuspages.stream().sorted().toList())));
    }
    return p;
  }
}
