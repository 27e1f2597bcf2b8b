package dev.runbook.workflows;

import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.ImportRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityReport;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTarget;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.engine.AbstractRunbookWorkflow;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DatabaseRollbackResult;
import dev.runbook.workflows.model.RestoreStrategy;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.PlanActivities.Kind;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.activities.PlanActivities.PlannedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The database runbook (DESIGN §3): revert migrations (no data lost) or restore a backup (data
 * since the backup is lost, so approval is always required). The default restore is a staged
 * swap: the backup is restored into a staging database while the approval is pending, and the
 * application is down only for the two renames.
 */
public class DatabaseRollbackWorkflowImpl extends AbstractRunbookWorkflow
    implements DatabaseRollbackWorkflow {
  static final Duration ETA = Duration.ofMinutes(15);

  private DatabaseRollbackRequest request;
  private String database;
  private DatabaseMode mode;
  private String schemaFrom;
  private String schemaTo;
  private String backupId;
  private String safetyCopy;

  public DatabaseRollbackWorkflowImpl() {
    super(RunbookEngine.Mode.RUNBOOK);
  }

  @Override
  public DatabaseRollbackResult rollback(DatabaseRollbackRequest request) {
    this.request = request;
    this.database = request.database() != null ? request.database() : request.service();
    return engine.run(request, ETA, this::execute, this::result);
  }

  private void execute() {
    engine.announce(
        "notify-started",
        "Notify: database rollback in progress",
        NotificationKind.STARTED,
        "database rollback of " + database
            + (request.mode() == null ? "" : " (" + request.mode().label() + ")")
            + (request.crossRestore()
                ? "; cross-restore of backup " + request.backupId() + " asked for" : ""));
    IntegrityReport evidence = null;
    mode = request.mode();
    if (mode == null || mode == DatabaseMode.RESTORE) {
      evidence = captureEvidence();
    }
    if (mode == null) {
      mode = chooseMode(evidence);
    }
    if (mode == DatabaseMode.REVERT) {
      revert();
    } else {
      schemaFrom = evidence == null ? null : evidence.schemaVersion();
      if (request.restoreStrategy() == RestoreStrategy.STAGED_SWAP) {
        stagedRestore();
      } else {
        inPlaceRestore();
      }
    }
    engine.announce(
        "notify-resolved",
        "Notify: resolved, append the rollback log",
        NotificationKind.RESOLVED,
        (dry()
                ? database + ": would " + mode.label() + ", schema " + Shown.schema(schemaFrom) + " -> " + Shown.schema(schemaTo)
                    + ", then check it"
                : database + " " + mode.label() + "d: schema " + Shown.schema(schemaFrom) + " -> " + Shown.schema(schemaTo))
            + (backupId == null ? "" : " (backup " + backupId + ")"));
  }

  /** The state of the live database before anything changes: schema and integrity checks. */
  private IntegrityReport captureEvidence() {
    return engine.step(
        "capture-evidence",
        "Capture evidence: schema version and integrity checks",
        StepPolicy.SKIPPABLE,
        () -> {
          IntegrityReport r =
              db(ActivityCatalog.QUICK)
                  .checkIntegrity(new IntegrityRequest(database, null, null, false, dry()));
          long failed = r.checks().stream().filter(c -> !c.passed()).count();
          engine.detail(
              dry()
                  ? "would read the schema version and run " + r.checks().size() + " integrity check(s)"
                  : (r.schemaVersion() == null ? "schema version unknown (no migrations configured)"
                          : "schema " + r.schemaVersion())
                      + ", " + failed + " of " + r.checks().size() + " integrity checks failing");
          return r;
        });
  }

  /** The decision tree: corrupted data needs a restore, anything else a revert. */
  private DatabaseMode chooseMode(IntegrityReport evidence) {
    return engine.step(
        "choose-mode",
        "Choose revert or restore",
        StepPolicy.REQUIRED,
        () -> {
          boolean corrupted;
          String why;
          if (request.dataCorrupted() != null) {
            corrupted = request.dataCorrupted();
            why = "requester says data is " + (corrupted ? "" : "not ") + "corrupted";
          } else if (evidence != null && dry()) {
            corrupted = false; // a dry run does not run the checks that decide
            why = "the integrity checks decide (restore if they fail); a dry run does not run them";
          } else if (evidence != null) {
            corrupted = !evidence.passed();
            why = corrupted ? "integrity checks fail" : "integrity checks pass";
          } else {
            corrupted = false;
            why = "no evidence of corruption";
          }
          DatabaseMode chosen = corrupted ? DatabaseMode.RESTORE : DatabaseMode.REVERT;
          engine.detail((dry() ? "would " : "") + chosen.label() + ": " + why);
          return chosen;
        });
  }

  private void revert() {
    int steps = request.toMigration() == null ? (request.steps() == null ? 1 : request.steps()) : 0;
    SchemaTarget target =
        engine.step(
            "resolve-schema",
            "Resolve the target schema version",
            StepPolicy.REQUIRED,
            () -> {
              SchemaTarget t =
                  db(ActivityCatalog.QUICK)
                      .resolveSchemaTarget(
                          new SchemaTargetRequest(
                              database,
                              null,
                              request.toMigration(),
                              request.toMigration() == null ? steps : null,
                              dry()));
              engine.detail(
                  (dry() ? "would revert " : "") + t.currentVersion() + " -> " + t.targetVersion()
                      + ": " + String.join(", ", t.toRevert()));
              engine.moving("schema " + t.currentVersion(), "schema " + t.targetVersion());
              return t;
            });
    schemaFrom = target.currentVersion();
    schemaTo = target.targetVersion();

    BackupResult backup = backup("backup", "Back up " + database + " before the revert");
    engine.planAfterApproval(new PlanRequest(List.of(
        new PlannedAction(Kind.REVERT_SCHEMA, database, schemaTo, schemaFrom))));
    engine.approvalGate(rule(false));

    String safety = backup.backupId();
    engine.compensation(
        "revert-migrations",
        "Restore backup " + safety + " into " + database,
        () ->
            db(ActivityCatalog.LONG)
                .restoreInPlace(
                    new InPlaceRestoreRequest(database, safety, engine.key("compensate-restore"), dry())));
    engine.step(
        "revert-migrations",
        "Revert " + database + " to schema " + schemaTo + " in one transaction",
        StepPolicy.REQUIRED,
        () ->
            db(ActivityCatalog.MIGRATION)
                .revertMigrations(new RevertRequest(database, schemaTo, engine.key("revert"), dry())));
    engine.step(
        "verify",
        "Verify schema " + schemaTo + " and integrity checks",
        StepPolicy.SKIPPABLE,
        () ->
            db(ActivityCatalog.QUICK)
                .checkIntegrity(new IntegrityRequest(database, null, schemaTo, true, dry())));
  }

  private void stagedRestore() {
    BackupInfo source = resolveBackup();
    safetyCopy = new StagedSwap(engine, database, request, writers()).restore(source, restorePlan(Kind.SWAP, source),
        rule(true));
  }

  private void inPlaceRestore() {
    BackupInfo source = resolveBackup();
    BackupResult safety = backup("safety-backup", "Back up " + database + " before restoring over it");
    engine.planAfterApproval(restorePlan(Kind.RESTORE_IN_PLACE, source));
    engine.approvalGate(rule(true));
    writers().stop();
    String safetyId = safety.backupId();
    safetyCopy = safetyId;
    engine.compensation(
        "restore",
        "Restore the safety backup " + safetyId,
        () ->
            db(ActivityCatalog.LONG)
                .restoreInPlace(
                    new InPlaceRestoreRequest(database, safetyId, engine.key("compensate-restore"), dry())));
    engine.step(
        "restore",
        "Restore " + source.backupId() + " into " + database + " in place",
        StepPolicy.REQUIRED,
        () ->
            db(ActivityCatalog.LONG)
                .restoreInPlace(
                    new InPlaceRestoreRequest(
                        database, source.backupId(), engine.key("restore"), dry(), request.crossRestore())));
    engine.step(
        "check-integrity",
        "Run the integrity checks on the restored database",
        StepPolicy.SKIPPABLE,
        () ->
            db(ActivityCatalog.QUICK)
                .checkIntegrity(new IntegrityRequest(database, null, source.schemaVersion(), true, dry())));
    writers().startAndVerify();
  }

  private BackupInfo resolveBackup() {
    String named = request.backupFile() == null ? request.backupId() : importBackupFile();
    BackupInfo source =
        engine.step(
            "resolve-backup",
            "Resolve and verify the backup to restore",
            StepPolicy.REQUIRED,
            () -> {
              BackupInfo b =
                  db(ActivityCatalog.QUICK)
                      .resolveBackup(
                          new ResolveBackupRequest(database, named, dry(), request.crossRestore()));
              engine.detail(
                  (dry() ? "would restore " : "") + b.backupId() + " from " + Shown.time(b.createdAt())
                      + ", schema " + Shown.schema(b.schemaVersion()) + ", " + b.sizeBytes() + " bytes"
                      + (b.crossRestore()
                          ? "; CROSS-RESTORE asked for: taken from "
                              + DatabaseIdentity.describe(b.source()) + ", restored into "
                              + DatabaseIdentity.describe(b.target())
                          : ""));
              engine.moving("schema " + Shown.schema(schemaFrom), "backup " + b.backupId());
              return b;
            });
    backupId = source.backupId();
    schemaTo = source.schemaVersion();
    return source;
  }

  /**
   * The dump file the request names, checked and imported as a backup of this database, asserted
   * by the requester (a request without a file never takes this step): its backup ID.
   */
  private String importBackupFile() {
    ImportResult imported =
        engine.step(
            "import-backup",
            "Import " + request.backupFile() + " as a backup of " + database,
            StepPolicy.REQUIRED,
            () -> {
              ImportResult r =
                  db(ActivityCatalog.LONG)
                      .importBackup(
                          new ImportRequest(
                              database, request.backupFile(), request.requestedBy(),
                              engine.key("import-backup"), dry()));
              engine.detail(
                  (dry() ? "would import it as " : r.reused() ? "imported before as " : "imported as ")
                      + r.backupId() + ": " + r.format() + ", " + r.sizeBytes() + " bytes, sha256 "
                      + r.sha256() + ", schema " + Shown.schema(r.schemaVersion()));
              return r;
            });
    return imported.backupId();
  }

  private BackupResult backup(String id, String title) {
    return engine.step(
        id,
        title,
        StepPolicy.REQUIRED,
        () -> {
          BackupResult b =
              db(ActivityCatalog.LONG).backup(new BackupRequest(database, engine.key(id), dry()));
          engine.detail(
              dry()
                  ? "would back up " + database + " into " + b.backupId()
                  : b.backupId() + ", " + b.sizeBytes() + " bytes, schema " + Shown.schema(b.schemaVersion()));
          return b;
        });
  }

  /** Stop the writers, restore (swap or in place), start them: what a restore's approval approves. */
  private PlanRequest restorePlan(Kind restore, BackupInfo source) {
    List<PlannedAction> plan = new ArrayList<>();
    request.writers().forEach(w -> plan.add(new PlannedAction(Kind.STOP, w, null, null)));
    plan.add(new PlannedAction(restore, database, source.backupId(),
        request.backupId() == null && request.backupFile() == null ? PlanActivities.NEWEST : null,
        engine.runTag()));
    request.writers().forEach(w -> plan.add(new PlannedAction(Kind.START, w, null, null)));
    return new PlanRequest(plan);
  }

  private Writers writers() {
    return new Writers(engine, request.writers(), dry());
  }

  private ApprovalRule rule(boolean losesData) {
    return engine.policy().policy().ruleFor(request.severity(), losesData);
  }

  private DatabaseActivities db(io.temporal.activity.ActivityOptions options) {
    return engine.databases(options);
  }

  private boolean dry() {
    return request.dryRun();
  }

  private DatabaseRollbackResult result(RunReport report) {
    return new DatabaseRollbackResult(report, database, mode, schemaFrom, schemaTo, backupId, safetyCopy);
  }
}
