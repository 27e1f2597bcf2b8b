package dev.runbook.workflows;

import dev.runbook.workflows.activities.CheckActivities.CheckRequest;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateReading;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTarget;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceEvidence;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyRequest;
import dev.runbook.workflows.engine.AbstractRunbookWorkflow;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.engine.Versions;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.policy.ApprovalRule;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.activities.PlanActivities.Kind;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.activities.PlanActivities.PlannedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The emergency runbook (DESIGN §3): notify, capture evidence, resolve the target, approval,
 * optionally back up and revert the schema, deploy, verify, announce, then watch health.
 */
public class EmergencyRollbackWorkflowImpl extends AbstractRunbookWorkflow
    implements EmergencyRollbackWorkflow {
  /** The backend SLA from the source runbooks' drills. */
  static final Duration ETA = Duration.ofMinutes(10);

  private EmergencyRollbackRequest request;
  private String fromVersion;
  private String toVersion;
  private String backupId;
  private String schemaFrom;
  private String schemaTo;
  private boolean healthyAfterMonitoring = true;
  private ServiceConfig config;

  public EmergencyRollbackWorkflowImpl() {
    super(RunbookEngine.Mode.RUNBOOK);
  }

  @Override
  public EmergencyRollbackResult rollback(EmergencyRollbackRequest request) {
    this.request = request;
    return engine.run(request, ETA, this::execute, this::result);
  }

  private void execute() {
    String service = request.service();
    boolean dry = request.dryRun();
    config = new ServiceConfig(engine, service, dry);
    // Version 1: the target is resolved before anyone is told, so a run that cannot know where to
    // go back to is refused before it says or changes anything.
    boolean targetFirst = Versions.targetBeforeNotify();
    // An armed request waits its fix-forward window once it knows where it would go, before it
    // announces or changes anything (see engine.FixForwardWindow).
    boolean armed = engine.armed();
    if (!targetFirst) {
      announceStarted("");
    }

    ServiceEvidence evidence =
        engine.step(
            "capture-evidence",
            "Capture evidence: version, health, error rate",
            StepPolicy.SKIPPABLE,
            () -> {
              ServiceEvidence e =
                  engine.note(
                      engine.services(ActivityCatalog.QUICK, "Capture evidence: version and health of " + service)
                          .captureEvidence(new ServiceQuery(service, dry)));
              ErrorRateReading rate =
                  engine.note(engine.checks("Capture evidence: error rate of " + service)
                      .errorRate(new ErrorRateRequest(service, false, dry)));
              String configuration = config.snapshotWithEvidence();
              // Reading is not changing: a dry run reads the evidence too.
              engine.detail(
                  "running " + e.currentVersion() + ", " + (e.healthy() ? "healthy" : "unhealthy")
                      + ", error rate " + rate(rate) + configuration);
              return e;
            });
    fromVersion = evidence == null ? null : evidence.currentVersion();
    if (request.configOnly()) {
      restoreConfigOnly(service, targetFirst);
      return;
    }

    Supplier<TargetVersion> resolve =
        () -> {
          TargetVersion t =
              engine.services(ActivityCatalog.QUICK)
                  .resolveTarget(
                      new TargetVersionRequest(
                          service, fromVersion, request.toVersion(), dry, request.force()));
          engine.detail(dry ? "would roll back to " + t.describe() : t.describe());
          engine.moving(fromVersion, t.version());
          return t;
        };
    TargetVersion target =
        targetFirst
            ? engine.stepOrRefuse(
                "resolve-target",
                "Resolve the target version",
                resolve,
                FailureType.NO_GOOD_VERSION,
                FailureType.ROLLED_BACK_VERSION)
            : engine.step("resolve-target", "Resolve the target version", StepPolicy.REQUIRED, resolve);
    toVersion = target.version();
    String withConfiguration = "";
    if (request.withConfig()) {
      config.resolve(toVersion);
      engine.moving(
          ServiceConfig.label(fromVersion, config.current()),
          ServiceConfig.label(toVersion, config.target().snapshotId()));
      withConfiguration = " with configuration " + config.target().snapshotId();
    }
    if (targetFirst && !armed) {
      announceStarted(" from " + fromVersion + " to " + toVersion + withConfiguration);
    }

    SchemaTarget schema = null;
    if (request.withDatabase()) {
      schema =
          engine.step(
              "resolve-schema",
              "Resolve the schema version " + toVersion + " needs",
              StepPolicy.REQUIRED,
              () -> {
                SchemaTarget t =
                    engine.databases(ActivityCatalog.QUICK)
                        .resolveSchemaTarget(
                            new SchemaTargetRequest(
                                databaseOf(service),
                                toVersion,
                                request.toMigration() != null
                                    ? request.toMigration()
                                    : target.schemaVersion(),
                                null,
                                dry));
                engine.detail(
                    t.currentVersion() + " -> " + t.targetVersion() + (dry ? ", would revert " : ", reverting ")
                        + t.toRevert().size() + " migration(s)");
                return t;
              });
      schemaFrom = schema.currentVersion();
      schemaTo = schema.targetVersion();
    }

    ApprovalRule rule = engine.policy().policy().ruleFor(request.severity(), false);
    List<PlannedAction> plan = new ArrayList<>();
    if (schema != null) {
      plan.add(new PlannedAction(Kind.REVERT_SCHEMA, databaseOf(service), schemaTo, schemaFrom));
    }
    if (request.withConfig()) {
      plan.add(new PlannedAction(Kind.CONFIG, service, config.target().snapshotId(), config.current()));
    }
    plan.add(new PlannedAction(Kind.DEPLOY, service, toVersion, fromVersion));
    engine.planAfterApproval(new PlanRequest(plan));
    if (armed) {
      engine.armedWindow(
          service + " " + fromVersion + " -> " + toVersion + withConfiguration
              + (schemaTo == null ? "" : ", schema " + schemaFrom + " -> " + schemaTo),
          rule);
      announceStarted(" from " + fromVersion + " to " + toVersion + withConfiguration + ": its armed window of "
          + Durations.human(request.armFor()) + " ended without a fix");
      engine.awaitApproval();
    } else {
      engine.approvalGate(rule);
    }

    if (request.withDatabase()) {
      revertDatabase(schema);
    }

    boolean mustRestart = request.withConfig() && config.restore(fromVersion, false);
    String previous = fromVersion;
    if (previous != null) {
      engine.compensation(
          "deploy",
          "Redeploy " + previous,
          () -> {
            engine.services(ActivityCatalog.SERVICE)
                .deploy(new DeployRequest(service, previous, engine.key("compensate-deploy"), dry));
            if (config.current() == null) {
              engine.restored(service, previous, schemaFrom);
            } else {
              engine.restored(service, previous, schemaFrom, config.current());
            }
          });
    }
    var deployed =
        engine.step(
            "deploy",
            "Deploy " + toVersion,
            StepPolicy.REQUIRED,
            () -> {
              var d =
                  engine.services(ActivityCatalog.SERVICE)
                      .deploy(new DeployRequest(service, toVersion, engine.key("deploy"), dry));
              if (dry) {
                engine.detail("would deploy " + toVersion + " (running now: " + fromVersion + ")");
              }
              if (config.running() == null) {
                engine.released(service, toVersion, fromVersion, schemaTo, request.force());
              } else {
                engine.released(
                    service, toVersion, fromVersion, schemaTo, request.force(), config.running(), config.left());
              }
              return d;
            });
    // A deploy that changed nothing did not restart the service: the configuration needs one.
    if (mustRestart && (dry || deployed == null || !deployed.changed())) {
      config.restart();
    }

    verify(service, toVersion);
    finish(
        service,
        (dry
                ? service + ": would roll back from " + fromVersion + " to " + toVersion
                    + configChange(true) + ", then check health, version, smoke checks and error rate"
                : service + " rolled back from " + fromVersion + " to " + toVersion + configChange(false))
            + (schemaTo == null ? "" : ", schema " + schemaFrom + " -> " + schemaTo));
  }

  private String databaseOf(String service) {
    return request.database() == null ? service : request.database();
  }

  /**
   * {@code --config-only}: the last known good configuration back, the version as it is; restart
   * and verify.
   */
  private void restoreConfigOnly(String service, boolean targetFirst) {
    boolean dry = request.dryRun();
    toVersion = fromVersion;
    config.resolve(null);
    String to = config.target().snapshotId();
    engine.moving(ServiceConfig.label(fromVersion, config.current()), ServiceConfig.label(fromVersion, to));
    ApprovalRule rule = engine.policy().policy().ruleFor(request.severity(), false);
    engine.planAfterApproval(new PlanRequest(List.of(
        new PlannedAction(Kind.CONFIG, service, to, config.current()),
        new PlannedAction(Kind.RESTART, service, null, null))));
    if (engine.armed()) {
      engine.armedWindow(service + " configuration " + config.current() + " -> " + to, rule);
      announceStarted(" (configuration only) from " + config.current() + " to " + to + ": its armed window of "
          + Durations.human(request.armFor()) + " ended without a fix");
      engine.awaitApproval();
    } else {
      if (targetFirst) {
        announceStarted(" (configuration only) from " + config.current() + " to " + to);
      }
      engine.approvalGate(rule);
    }
    if (config.restore(fromVersion, true)) {
      config.restart();
    }
    verify(service, fromVersion);
    finish(
        service,
        dry
            ? service + ": would restore configuration " + to + " (" + config.target().diff().describe()
                + "), then check health, version, smoke checks and error rate"
            : service + " configuration rolled back from " + config.current() + " to " + to + " ("
                + config.target().diff().describe() + "), version " + fromVersion + " kept");
  }

  /** What the configuration does in this run, for the resolved message. */
  private String configChange(boolean dry) {
    if (!request.withConfig() || config.target() == null) {
      return "";
    }
    if (!config.changes()) {
      return ", configuration " + config.current() + " kept (" + config.target().snapshotId() + " already)";
    }
    return (dry ? " and would restore configuration " : " with configuration ") + config.current() + " -> "
        + config.target().snapshotId() + " (" + config.target().diff().describe() + ")";
  }

  private void verify(String service, String version) {
    boolean dry = request.dryRun();
    engine.step(
        "verify",
        "Verify health, version " + version + ", smoke checks, error rate",
        StepPolicy.SKIPPABLE,
        () -> {
          engine.note(
              engine.services(ActivityCatalog.VERIFY)
                  .verify(new VerifyRequest(service, version, dry)));
          engine.note(engine.checks().smokeChecks(new CheckRequest(service, dry)));
          ErrorRateReading rate =
              engine.note(engine.checks().errorRate(new ErrorRateRequest(service, true, dry)));
          // A dry run deployed nothing, so it checked nothing: it says what it would check.
          engine.detail(
              dry
                  ? "would check health, version " + version + ", smoke checks and error rate"
                  : "healthy on " + version + ", error rate " + rate(rate));
          engine.verifiedHealthy(service, version);
          return null;
        });
  }

  /** Announces the result, then watches health. */
  private void finish(String service, String resolved) {
    engine.rollbackApplied(request.monitorPeriod());
    engine.announce(
        "notify-resolved", "Notify: resolved, append the rollback log", NotificationKind.RESOLVED, resolved);
    healthyAfterMonitoring = new HealthWatch(engine, service, request.dryRun()).watch(request.monitorPeriod());
  }

  private void announceStarted(String versions) {
    engine.announce(
        "notify-started",
        "Notify: rollback in progress",
        NotificationKind.STARTED,
        "emergency rollback of " + request.service() + versions
            + (request.withDatabase() ? " with its database" : ""));
  }

  private void revertDatabase(SchemaTarget schema) {
    String database = schema.database();
    boolean dry = request.dryRun();
    BackupResult backup =
        engine.step(
            "backup",
            "Back up " + database,
            StepPolicy.REQUIRED,
            () -> {
              BackupResult b =
                  engine.databases(ActivityCatalog.LONG)
                      .backup(new BackupRequest(database, engine.key("backup"), dry));
              engine.detail(
                  dry
                      ? "would back up " + database + " into " + b.backupId()
                      : b.backupId() + ", " + b.sizeBytes() + " bytes, schema " + Shown.schema(b.schemaVersion()));
              return b;
            });
    backupId = backup.backupId();
    String safety = backupId;
    engine.compensation(
        "revert-migrations",
        "Restore backup " + safety + " into " + database,
        () ->
            engine.databases(ActivityCatalog.LONG)
                .restoreInPlace(
                    new InPlaceRestoreRequest(database, safety, engine.key("compensate-restore"), dry)));
    engine.step(
        "revert-migrations",
        "Revert " + database + " to schema " + schema.targetVersion(),
        StepPolicy.SKIPPABLE,
        () -> {
          var r =
              engine.databases(ActivityCatalog.MIGRATION)
                  .revertMigrations(
                      new RevertRequest(database, schema.targetVersion(), engine.key("revert"), dry));
          if (dry) {
            engine.detail(
                "would revert " + schema.currentVersion() + " -> " + schema.targetVersion()
                    + " in one transaction");
          }
          return r;
        });
    engine.step(
        "verify-integrity",
        "Verify schema " + schema.targetVersion() + " and integrity checks",
        StepPolicy.SKIPPABLE,
        () -> {
          var r =
              engine.databases(ActivityCatalog.QUICK)
                  .checkIntegrity(
                      new IntegrityRequest(database, null, schema.targetVersion(), true, dry));
          if (dry) {
            engine.detail("would check schema " + schema.targetVersion() + " and the integrity checks");
          }
          return r;
        });
  }

  private static String rate(ErrorRateReading r) {
    if (r == null || r.rate() == null) {
      return "not measured";
    }
    return String.format(java.util.Locale.ROOT, "%.2f%% (threshold %.2f%%)", r.rate() * 100, r.threshold() * 100);
  }

  private EmergencyRollbackResult result(RunReport report) {
    return new EmergencyRollbackResult(
        report,
        request.service(),
        fromVersion,
        toVersion,
        backupId,
        schemaFrom,
        schemaTo,
        healthyAfterMonitoring,
        config == null ? null : config.current(),
        config == null || !config.changes() ? null : config.target().snapshotId());
  }
}
