package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Roll a service's database back, by reverting migrations or restoring a backup.
 *
 * @param service the service that owns the database; the workflow ID is scoped to it
 * @param database the database (config name); null means the service's own
 * @param mode revert or restore; null decides as the decision tree does (corrupted data: restore)
 * @param strategy for restore: staged swap (default) or in place
 * @param toMigration revert down to this schema version
 * @param steps revert the last N migrations (when toMigration is not given; default 1)
 * @param backupId restore this backup; null means the newest verified one
 * @param dataCorrupted whether the data is known to be corrupted; null runs the integrity checks
 * @param stopServices services that write to the database, stopped during a restore; null means
 *     the service itself
 * @param crossRestore restore {@code backupId} even though it was taken from another database
 *     (another server, or another physical name): a deliberate copy, e.g. production into
 *     staging. Shown in the plan and recorded in the rollback log with both databases. Without
 *     it such a restore is refused before anything changes.
 * @param backupFile restore this dump file (an absolute path on the workers, any pg_dump format):
 *     the run imports it as a backup of the database first, asserted by the requester, then
 *     restores it. Instead of {@code backupId}; mode restore only.
 */
public record DatabaseRollbackRequest(
    String service,
    String database,
    Severity severity,
    String reason,
    String requestedBy,
    boolean dryRun,
    String incidentId,
    DatabaseMode mode,
    RestoreStrategy strategy,
    String toMigration,
    Integer steps,
    String backupId,
    Boolean dataCorrupted,
    List<String> stopServices,
    Instant notBefore,
    boolean crossRestore,
    String backupFile)
    implements RunbookRequest {

  public static final int MAX_STEPS = 100;

  /** A request without a cross-restore (the common case, and every request made before it). */
  public DatabaseRollbackRequest(
      String service,
      String database,
      Severity severity,
      String reason,
      String requestedBy,
      boolean dryRun,
      String incidentId,
      DatabaseMode mode,
      RestoreStrategy strategy,
      String toMigration,
      Integer steps,
      String backupId,
      Boolean dataCorrupted,
      List<String> stopServices,
      Instant notBefore) {
    this(service, database, severity, reason, requestedBy, dryRun, incidentId, mode, strategy,
        toMigration, steps, backupId, dataCorrupted, stopServices, notBefore, false, null);
  }

  /** A request without a backup file (every request made before they could name one). */
  public DatabaseRollbackRequest(
      String service,
      String database,
      Severity severity,
      String reason,
      String requestedBy,
      boolean dryRun,
      String incidentId,
      DatabaseMode mode,
      RestoreStrategy strategy,
      String toMigration,
      Integer steps,
      String backupId,
      Boolean dataCorrupted,
      List<String> stopServices,
      Instant notBefore,
      boolean crossRestore) {
    this(service, database, severity, reason, requestedBy, dryRun, incidentId, mode, strategy,
        toMigration, steps, backupId, dataCorrupted, stopServices, notBefore, crossRestore, null);
  }

  /** The configured database the run acts on: the one named, else the service's own. */
  public String targetDatabase() {
    return database != null ? database : service;
  }

  @Override
  public RunbookType runbook() {
    return RunbookType.DATABASE;
  }

  @Override
  public List<String> services() {
    return service == null ? List.of() : List.of(service);
  }

  public List<String> writers() {
    if (stopServices != null && !stopServices.isEmpty()) {
      return stopServices;
    }
    return services();
  }

  public RestoreStrategy restoreStrategy() {
    return strategy == null ? RestoreStrategy.STAGED_SWAP : strategy;
  }

  /** The same request with a restore strategy (where the workers say which one the database allows). */
  public DatabaseRollbackRequest withStrategy(RestoreStrategy chosen) {
    return new DatabaseRollbackRequest(service, database, severity, reason, requestedBy, dryRun, incidentId, mode,
        chosen, toMigration, steps, backupId, dataCorrupted, stopServices, notBefore, crossRestore);
  }

  @Override
  public String workflowId() {
    return WorkflowIds.forService(service);
  }

  @Override
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.name(p, "service", service);
    Validation.optionalName(p, "database", database);
    Validation.common(p, this);
    Validation.migration(p, "toMigration", toMigration);
    if (steps != null && (steps < 1 || steps > MAX_STEPS)) {
      p.add("steps " + steps + " is out of range: use 1 to " + MAX_STEPS);
    }
    if (toMigration != null && steps != null) {
      p.add("give toMigration or steps, not both");
    }
    Validation.backupId(p, "backupId", backupId, targetDatabase());
    if (mode == DatabaseMode.REVERT && (backupId != null || strategy != null || crossRestore)) {
      p.add("backupId, strategy and crossRestore are for restore: drop them or use mode restore");
    }
    if (crossRestore && backupId == null && backupFile == null) {
      p.add("crossRestore needs backupId: name the backup to copy into " + targetDatabase() + " (`runbook"
          + " backups DATABASE` lists every database's backups); the newest one is only ever chosen"
          + " from " + targetDatabase() + "'s own");
    }
    if (backupFile != null) {
      String problem = Validation.backupFileProblem("backupFile", backupFile);
      if (problem != null) {
        p.add(problem);
      }
      if (backupId != null) {
        p.add("give backupId or backupFile, not both: backupId names a backup `runbook backups "
            + targetDatabase() + "` lists, backupFile a dump file to import and restore");
      }
      if (mode != DatabaseMode.RESTORE) {
        p.add("backupFile is for a restore: add mode restore (`--mode restore`)");
      }
      if (crossRestore) {
        p.add("crossRestore does not go with backupFile: an imported file is bound to " + targetDatabase()
            + " itself; drop crossRestore");
      }
    }
    if (mode == DatabaseMode.RESTORE && (toMigration != null || steps != null)) {
      p.add("toMigration and steps are for revert: drop them or use mode revert");
    }
    if (stopServices != null) {
      for (String s : stopServices) {
        Validation.name(p, "stopServices[]", s);
      }
    }
    return p;
  }
}
