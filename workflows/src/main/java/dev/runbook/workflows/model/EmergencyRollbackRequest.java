package dev.runbook.workflows.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Roll one service back to a known good version, optionally with its schema change.
 *
 * @param toVersion the version to deploy; null means the last known good one from the release
 *     ledger (the adapter's list of versions for a service the ledger has never seen)
 * @param withDatabase also back up the database and revert its migrations to the target's schema
 * @param database the database to revert (config name); null means the service's own
 * @param toMigration the schema version to revert to; null means the one the target version needs
 * @param monitorFor how long to watch health after the rollback; null means 15 minutes
 * @param force deploy {@code toVersion} even though it was rolled back from (recorded)
 * @param armFor arm the run: tell the team, wait this long for a fix forward, then go ahead
 *     unless disarmed; null goes at once
 * @param armingAlert the Alertmanager alert whose route armed the run, or null (set only by the
 *     webhook: its resolution disarms the run)
 * @param configOnly restore the last known good configuration (the version stays), restart, verify
 * @param withConfig restore the configuration the target version last ran healthy with, with it
 */
public record EmergencyRollbackRequest(
    String service,
    Severity severity,
    String reason,
    String requestedBy,
    boolean dryRun,
    String incidentId,
    String toVersion,
    boolean withDatabase,
    String database,
    String toMigration,
    Duration monitorFor,
    Instant notBefore,
    boolean force,
    Duration armFor,
    AlertRef armingAlert,
    boolean configOnly,
    boolean withConfig)
    implements RunbookRequest {

  public EmergencyRollbackRequest(String service, Severity severity, String reason, String requestedBy,
      boolean dryRun, String incidentId, String toVersion, boolean withDatabase, String database,
      String toMigration, Duration monitorFor, Instant notBefore, boolean force) {
    this(service, severity, reason, requestedBy, dryRun, incidentId, toVersion, withDatabase, database,
        toMigration, monitorFor, notBefore, force, null, null, false, false);
  }

  public EmergencyRollbackRequest(String service, Severity severity, String reason, String requestedBy,
      boolean dryRun, String incidentId, String toVersion, boolean withDatabase, String database,
      String toMigration, Duration monitorFor, Instant notBefore) {
    this(service, severity, reason, requestedBy, dryRun, incidentId, toVersion, withDatabase, database,
        toMigration, monitorFor, notBefore, false);
  }

  public static final Duration DEFAULT_MONITOR = Duration.ofMinutes(15);
  public static final Duration MAX_MONITOR = Duration.ofHours(24);

  @Override
  public RunbookType runbook() {
    return RunbookType.EMERGENCY;
  }

  @Override
  public List<String> services() {
    return service == null ? List.of() : List.of(service);
  }

  public Duration monitorPeriod() {
    return monitorFor == null ? DEFAULT_MONITOR : monitorFor;
  }

  @Override
  public String workflowId() {
    return WorkflowIds.forService(service);
  }

  @Override
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.name(p, "service", service);
    Validation.common(p, this);
    Validation.version(p, "toVersion", toVersion);
    Validation.optionalName(p, "database", database);
    Validation.migration(p, "toMigration", toMigration);
    if (!withDatabase && (database != null || toMigration != null)) {
      p.add("database and toMigration need withDatabase: add --with-database or drop them");
    }
    Validation.positive(p, "monitorFor", monitorFor, MAX_MONITOR);
    if (force && toVersion == null) {
      p.add("force needs toVersion: --force only lets you name a version that was rolled back from");
    }
    Validation.arm(p, this);
    if (configOnly && withConfig) {
      p.add("configOnly and withConfig exclude each other: --config-only keeps the version, --with-config"
          + " moves both; pick one");
    }
    if (configOnly && (toVersion != null || withDatabase)) {
      p.add("configOnly keeps the version and the schema: drop --to-version and --with-database, or use"
          + " --with-config to move the version and its configuration together");
    }
    return p;
  }
}
