package dev.runbook.activities.checklist;

import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.activities.notify.StatuspageIncidents;
import dev.runbook.workflows.activities.CheckActivities;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateReading;
import dev.runbook.workflows.activities.ServiceActivities.HealthReading;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ChecklistActivities.ItemCheck;
import io.temporal.failure.ApplicationFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Runs one item's automatic check with what the runbooks already use: the services' health
 * readings, their smoke checks and error-rate query, a configured database, the status page
 * incidents the statuspage channel keeps. Only reads. A check that cannot pass is a result with
 * what was seen, never an error: the checklist keeps asking until its deadline and beyond.
 */
public final class ItemChecks {
  private final Function<ServiceQuery, HealthReading> health;
  private final CheckActivities checks;
  private final Map<String, DatabaseSettings> databases;
  private final StatuspageIncidents incidents;

  /**
   * @param health the services' health reading (the service activities' {@code health})
   * @param checks the services' smoke checks and error rate
   */
  public ItemChecks(Function<ServiceQuery, HealthReading> health, CheckActivities checks,
      Map<String, DatabaseSettings> databases, StatuspageIncidents incidents) {
    this.health = health;
    this.checks = checks;
    this.databases = Map.copyOf(databases);
    this.incidents = incidents;
  }

  /** @param run the run, as its status page incident is kept: workflowId/runId (or its workflow ID alone) */
  ItemCheck run(String item, ItemCheckSettings check, String run, List<String> services) {
    try {
      if (check.health() != null) {
        return perService(item, services, s -> {
          HealthReading r = health.apply(new ServiceQuery(s, false));
          return new ItemCheck(item, r.healthy(), s + (r.healthy() ? " healthy" : " unhealthy")
              + (r.version() == null ? "" : " at " + r.version()) + (r.detail() == null ? "" : " (" + r.detail() + ")"));
        });
      }
      if (check.smoke() != null) {
        return perService(item, services, s -> {
          var report = checks.smokeChecks(new CheckActivities.CheckRequest(s, false));
          return new ItemCheck(item, report.passed(), s + ": " + report.checks().size() + " smoke checks passed");
        });
      }
      if (check.errorRate() != null) {
        double below = check.errorRate().share();
        return perService(item, services, s -> {
          ErrorRateReading r = checks.errorRate(new CheckActivities.ErrorRateRequest(s, false, false));
          if (r.rate() == null) {
            return new ItemCheck(item, false, s + ": error rate unknown: " + r.detail());
          }
          return new ItemCheck(item, r.rate() < below, s + ": error rate " + r.rate()
              + (r.rate() < below ? " below " : " not below ") + below);
        });
      }
      if (check.sql() != null) {
        return sql(item, check.sql());
      }
      return incidents.find(check.statuspage(), run)
          .map(o -> new ItemCheck(item, o.resolved(), "incident " + (o.incidentId() == null ? o.name() : o.incidentId())
              + " on " + check.statuspage() + (o.resolved() ? " resolved" : " still open")))
          .orElseGet(() -> new ItemCheck(item, false, "no incident of " + run + " on "
              + check.statuspage() + " yet"));
    } catch (ApplicationFailure f) {
      return new ItemCheck(item, false, f.getOriginalMessage());
    }
  }

  private static ItemCheck perService(String item, List<String> services, Function<String, ItemCheck> one) {
    if (services.isEmpty()) {
      return new ItemCheck(item, false, "the run named no service to check");
    }
    List<String> seen = new ArrayList<>();
    boolean passed = true;
    for (String s : services) {
      ItemCheck c;
      try {
        c = one.apply(s);
      } catch (ApplicationFailure f) {
        c = new ItemCheck(item, false, f.getOriginalMessage());
      }
      passed &= c.passed();
      seen.add(c.evidence());
    }
    return new ItemCheck(item, passed, String.join("; ", seen));
  }

  /** True when the query's single value is true, non-zero, or equals {@code expect}. */
  private ItemCheck sql(String item, ItemCheckSettings.Sql sql) {
    DatabaseSettings d = databases.get(sql.database());
    if (d == null) {
      return new ItemCheck(item, false, "no database '" + sql.database() + "' is configured");
    }
    Properties props = new Properties();
    props.setProperty("user", d.user());
    props.setProperty("password", d.password().reveal());
    props.setProperty("ApplicationName", "runbook checklist");
    props.setProperty("connectTimeout", "10");
    String host = d.host().contains(":") ? "[" + d.host() + "]" : d.host();
    String url = "jdbc:postgresql://" + host + ":" + d.port() + "/"
        + URLEncoder.encode(d.database(), StandardCharsets.UTF_8).replace("+", "%20");
    try (Connection c = DriverManager.getConnection(url, props)) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(30);
        try (ResultSet rs = s.executeQuery(sql.query())) {
          if (!rs.next()) {
            return new ItemCheck(item, false, sql.database() + ": the query returned no row");
          }
          Object value = rs.getObject(1);
          c.rollback();
          boolean passed = sql.expect() != null ? sql.expect().equals(String.valueOf(value))
              : value instanceof Boolean b ? b
              : value instanceof Number n ? n.doubleValue() != 0
              : value != null && !"0".equals(value.toString()) && !"false".equalsIgnoreCase(value.toString());
          return new ItemCheck(item, passed, sql.database() + ": " + value
              + (sql.expect() == null ? "" : passed ? " = " + sql.expect() : " is not " + sql.expect()));
        }
      }
    } catch (SQLException e) {
      return new ItemCheck(item, false, sql.database() + ": " + d.password().redact(String.valueOf(e.getMessage())));
    }
  }
}
