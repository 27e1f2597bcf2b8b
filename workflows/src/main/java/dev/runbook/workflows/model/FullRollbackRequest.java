package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Roll back every service of an environment, its databases and configuration.
 *
 * @param environment the environment name; the workflow ID is scoped to it
 * @param services the services in their configured start order (stopped in reverse)
 * @param databases the databases to back up and revert
 * @param toVersions target versions by service; a missing one means the last known good
 * @param toMigrations target schema versions by database; a missing one means the last migration
 * @param force deploy the named {@code toVersions} even where one was rolled back from (recorded)
 * @param armFor arm the run: tell the team, wait this long for a fix forward, then go ahead
 *     unless disarmed; null goes at once
 * @param armingAlert the Alertmanager alert whose route armed the run, or null
 */
public record FullRollbackRequest(
    String environment,
    List<String> services,
    List<String> databases,
    Severity severity,
    String reason,
    String requestedBy,
    boolean dryRun,
    String incidentId,
    Map<String, String> toVersions,
    Map<String, String> toMigrations,
    Instant notBefore,
    boolean force,
    java.time.Duration armFor,
    AlertRef armingAlert)
    implements RunbookRequest {

  public FullRollbackRequest(String environment, List<String> services, List<String> databases,
      Severity severity, String reason, String requestedBy, boolean dryRun, String incidentId,
      Map<String, String> toVersions, Map<String, String> toMigrations, Instant notBefore, boolean force) {
    this(environment, services, databases, severity, reason, requestedBy, dryRun, incidentId, toVersions,
        toMigrations, notBefore, force, null, null);
  }

  public FullRollbackRequest(String environment, List<String> services, List<String> databases,
      Severity severity, String reason, String requestedBy, boolean dryRun, String incidentId,
      Map<String, String> toVersions, Map<String, String> toMigrations, Instant notBefore) {
    this(environment, services, databases, severity, reason, requestedBy, dryRun, incidentId, toVersions,
        toMigrations, notBefore, false);
  }

  public static final int MAX_SERVICES = 50;

  @Override
  public RunbookType runbook() {
    return RunbookType.FULL;
  }

  @Override
  public List<String> services() {
    return services == null ? List.of() : services;
  }

  public List<String> databaseList() {
    return databases == null ? List.of() : databases;
  }

  public String toVersion(String service) {
    return toVersions == null ? null : toVersions.get(service);
  }

  public String toMigration(String database) {
    return toMigrations == null ? null : toMigrations.get(database);
  }

  @Override
  public String workflowId() {
    return WorkflowIds.forEnvironment(environment);
  }

  @Override
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.name(p, "environment", environment);
    if (services == null || services.isEmpty()) {
      p.add("services is required: list the environment's services in start order");
    } else if (services.size() > MAX_SERVICES) {
      p.add("services has " + services.size() + " entries: at most " + MAX_SERVICES);
    } else {
      var seen = new HashSet<String>();
      for (String s : services) {
        Validation.name(p, "services[]", s);
        if (s != null && !seen.add(s)) {
          p.add("services lists '" + s + "' twice: list each service once");
        }
      }
    }
    for (String d : databaseList()) {
      Validation.name(p, "databases[]", d);
    }
    Validation.common(p, this);
    if (toVersions != null) {
      toVersions.forEach(
          (s, v) -> {
            if (!services().contains(s)) {
              p.add("toVersions names '" + Validation.printable(s) + "', which is not in services");
            }
            Validation.version(p, "toVersions." + s, v);
          });
    }
    if (toMigrations != null) {
      toMigrations.forEach(
          (d, v) -> {
            if (!databaseList().contains(d)) {
              p.add(
                  "toMigrations names '" + Validation.printable(d) + "', which is not in databases");
            }
            Validation.migration(p, "toMigrations." + d, v);
          });
    }
    if (force && (toVersions == null || toVersions.isEmpty())) {
      p.add("force needs toVersions: --force only lets you name versions that were rolled back from");
    }
    Validation.arm(p, this);
    return p;
  }
}
