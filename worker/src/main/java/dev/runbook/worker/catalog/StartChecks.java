package dev.runbook.worker.catalog;

import dev.runbook.activities.ledger.ReleaseHistory;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.service.TargetKind;
import dev.runbook.starter.client.StartCheck;
import dev.runbook.workflows.model.BackupImportRequest;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.RestoreStrategy;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks a start against the workers' catalog and the release ledger before any workflow exists
 * (DESIGN §11): the service, database or environment is one the workers run, the requester is in
 * {@code people}, a database exists for {@code --with-database}, and the ledger knows where to go
 * back to. Each problem names the input and the fix.
 */
public final class StartChecks implements StartCheck {
  private final Supplier<Catalog> catalog;
  private final ReleaseLedger ledger;

  /**
   * @param catalog what the workers run, read at each start
   * @param ledger the release ledger, or null where there is none to consult
   */
  public StartChecks(Supplier<Catalog> catalog, ReleaseLedger ledger) {
    this.catalog = catalog;
    this.ledger = ledger;
  }

  @Override
  public List<String> problems(RunbookRequest request) {
    Catalog c = catalog.get();
    List<String> p = new ArrayList<>();
    person(p, c, request.requestedBy());
    switch (request.runbook()) {
      case EMERGENCY -> emergency(p, c, (EmergencyRollbackRequest) request);
      case DATABASE -> database(p, c, (DatabaseRollbackRequest) request);
      case FULL -> full(p, c, (FullRollbackRequest) request);
      case BACKUP -> database(p, c, ((BackupJobRequest) request).database());
      case CLEANUP -> {
        String db = ((CleanupRequest) request).database();
        if (db != null) {
          database(p, c, db);
        }
      }
    }
    return p;
  }

  @Override
  public List<String> importProblems(BackupImportRequest request) {
    Catalog c = catalog.get();
    List<String> p = new ArrayList<>();
    if (!c.people().contains(request.importedBy())) {
      p.add("importedBy: '" + Validation.printable(String.valueOf(request.importedBy())) + "' is not under people in "
          + c.source() + ": only people listed there may import backups");
    }
    if (!c.databases().contains(request.database())) {
      p.add("database: '" + Validation.printable(String.valueOf(request.database())) + "' is not under databases in "
          + c.source() + known(c.databases()) + ": name one the workers have, or configure it");
    }
    return p;
  }

  /** A backup or a cleanup names a database the workers have. */
  private static void database(List<String> p, Catalog c, String db) {
    if (!c.databases().contains(db)) {
      p.add("database: '" + Validation.printable(String.valueOf(db)) + "' is not under databases in " + c.source()
          + known(c.databases()) + ": name one of them, or configure it");
    }
  }

  private static void person(List<String> p, Catalog c, String person) {
    if (!c.people().contains(person)) {
      p.add("requestedBy: '" + Validation.printable(String.valueOf(person)) + "' is not under people in "
          + c.source() + (c.people().isEmpty() ? " (nobody is)" : " (" + String.join(", ", c.people()) + ")")
          + ": only people listed there may start runs; add them with their roles");
    }
  }

  private void emergency(List<String> p, Catalog c, EmergencyRollbackRequest r) {
    if (!service(p, c, "service", r.service())) {
      return;
    }
    if (r.configOnly() || r.withConfig()) {
      String option = r.configOnly() ? "configOnly (--config-only)" : "withConfig (--with-config)";
      if (c.services().get(r.service()).config() == null) {
        p.add(option + ": " + r.service() + " has no config section in " + c.source() + ", so it has no"
            + " configuration to restore: give it one (envFile, kubernetes or command), or roll back the version only");
      } else if (r.configOnly()) {
        configTarget(p, c, r.service());
        return;
      }
    }
    if (r.withDatabase()) {
      String db = r.database() != null ? r.database() : r.service();
      if (!c.databases().contains(db)) {
        p.add((r.database() != null ? "database: '" + db + "' is not" : "withDatabase: " + r.service()
            + " has no database: none named '" + db + "' is") + " under databases in " + c.source()
            + known(c.databases()) + ": name it with --database, configure it, or drop --with-database");
      }
    }
    target(p, c, r.service(), r.toVersion(), r.force());
  }

  private static void database(List<String> p, Catalog c, DatabaseRollbackRequest r) {
    service(p, c, "service", r.service());
    String db = r.database() != null ? r.database() : r.service();
    if (db != null && !c.databases().contains(db)) {
      p.add((r.database() != null ? "database: '" + db + "'" : "service: " + r.service() + " has no database: '"
          + db + "'") + " is not under databases in " + c.source() + known(c.databases())
          + ": name one with --database or configure it");
    }
    if (r.stopServices() != null) {
      for (String s : r.stopServices()) {
        service(p, c, "stopServices", s);
      }
    }
    if (db != null && c.inPlaceRestores().contains(db) && r.mode() != DatabaseMode.REVERT
        && r.strategy() == RestoreStrategy.STAGED_SWAP) {
      p.add("strategy: databases." + db + " cannot be restored by a staged swap: its engine: command has no"
          + " restoreInto, swap, exists and drop templates in " + c.source() + ". Leave --strategy out or pass"
          + " --strategy in-place (a fresh safety backup is taken first), or add those templates");
    }
  }

  /** A restore of a database the workers can only restore in place goes in place. */
  @Override
  public RunbookRequest complete(RunbookRequest request) {
    if (request instanceof DatabaseRollbackRequest r && r.strategy() == null && r.mode() != DatabaseMode.REVERT
        && catalog.get().inPlaceRestores().contains(r.targetDatabase())) {
      return r.withStrategy(RestoreStrategy.IN_PLACE);
    }
    return request;
  }

  private void full(List<String> p, Catalog c, FullRollbackRequest r) {
    Catalog.Environment env = c.environments().get(r.environment());
    if (env == null) {
      p.add("environment: '" + Validation.printable(String.valueOf(r.environment())) + "' is not under environments in "
          + c.source() + known(List.copyOf(c.environments().keySet())) + ": pick one of them or configure it");
      return;
    }
    for (String s : r.services()) {
      service(p, c, "services", s);
    }
    for (String d : r.databaseList()) {
      if (!c.databases().contains(d)) {
        p.add("databases: '" + d + "' is not under databases in " + c.source() + known(c.databases()));
      }
    }
    for (String s : r.services()) {
      if (c.services().containsKey(s)) {
        target(p, c, s, r.toVersion(s), r.force());
      }
    }
  }

  private static boolean service(List<String> p, Catalog c, String field, String name) {
    if (name != null && c.services().containsKey(name)) {
      return true;
    }
    p.add(field + ": no service '" + Validation.printable(String.valueOf(name)) + "' is configured in " + c.source()
        + known(List.copyOf(c.services().keySet())) + ": check the name, or add it under services");
    return false;
  }

  /** The ledger's word on where this rollback would go, when it knows the service. */
  private void target(List<String> p, Catalog c, String service, String toVersion, boolean force) {
    if (ledger == null) {
      return;
    }
    ReleaseHistory history = ledger.history(service, c.services().get(service).soak());
    if (history.isEmpty()) {
      return;
    }
    if (toVersion == null) {
      // What runs now is the run's to read (a deploy may have happened behind the ledger's
      // back); before it starts, only a ledger with no good version at all is a sure refusal.
      if (history.lastKnownGood(null).isEmpty()) {
        p.add(service + ": no version is known good; the release ledger says: " + history.whyNoneGood(null)
            + ". Pass --to-version VERSION (and --force for a version that was rolled back from), or record a"
            + " version CI has checked with `runbook record deploy " + service + " VERSION --verified`");
      }
    } else if (!force && history.rolledBack(toVersion).isPresent()) {
      p.add(service + ": " + toVersion + " was rolled back from (" + history.state(toVersion, null)
          + "): pass --force to deploy it anyway (recorded with the run's reason), or pick another version");
    }
  }

  /** The ledger's word on a configuration-only rollback: some configuration must be known good. */
  private void configTarget(List<String> p, Catalog c, String service) {
    if (ledger == null) {
      return;
    }
    ReleaseHistory history = ledger.history(service, c.services().get(service).soak());
    // What the service has now is the run's to read; before it starts, only a ledger with no good
    // configuration at all is a sure refusal.
    if (history.lastKnownGoodConfig(null).isEmpty()) {
      p.add(service + ": no configuration is known good; the release ledger says: " + history.whyNoGoodConfig(null)
          + ". Record a deploy CI has checked with `runbook record deploy " + service + " VERSION --verified` (it"
          + " snapshots the configuration), or roll back the version only");
    }
  }

  /**
   * Whether a drill may run on this service or environment: it must be one the workers run, and
   * neither it nor (for an environment) any of its services may be of kind production, so that a
   * drill is refused before anything of it starts.
   *
   * @param target a service or an environment name
   */
  @Override
  public List<String> drillProblems(DrillRequest request) {
    Catalog c = catalog.get();
    List<String> p = new ArrayList<>(drillTargetProblems(request.target()));
    person(p, c, request.requestedBy());
    if (request.approver() != null && !c.people().contains(request.approver())) {
      p.add("approver: '" + Validation.printable(request.approver()) + "' is not under people in " + c.source()
          + ": name a person listed there, or none to run the drilled rollback at P0");
    }
    return p;
  }

  public List<String> drillTargetProblems(String target) {
    Catalog c = catalog.get();
    List<String> p = new ArrayList<>();
    Catalog.Service service = c.services().get(target);
    Catalog.Environment env = c.environments().get(target);
    if (service == null && env == null) {
      List<String> names = new ArrayList<>(c.services().keySet());
      names.addAll(c.environments().keySet());
      p.add("target: '" + Validation.printable(String.valueOf(target)) + "' is neither a service nor an environment in "
          + c.source() + known(names) + ": name a staging one, or configure it");
      return p;
    }
    if (service != null) {
      production(p, c, "service " + target, service.kind());
    }
    if (env != null) {
      production(p, c, "environment " + target, env.kind());
      for (String s : env.services()) {
        Catalog.Service member = c.services().get(s);
        if (member != null) {
          production(p, c, "service " + s + " of environment " + target, member.kind());
        }
      }
    }
    return p;
  }

  private static void production(List<String> p, Catalog c, String what, String kind) {
    if (TargetKind.isProduction(kind)) {
      p.add("target: drills never touch production: " + what + " is kind production in " + c.source()
          + ": give a staging one, or write its kind (kind: staging) if it is not production");
    }
  }

  private static String known(List<String> names) {
    return names.isEmpty() ? " (none is)" : " (" + String.join(", ", names.stream().sorted().toList()) + ")";
  }

  /** The catalog of one configuration, for a process that runs the workers itself. */
  public static StartChecks of(Catalog catalog, ReleaseLedger ledger) {
    return new StartChecks(() -> catalog, ledger);
  }

}
