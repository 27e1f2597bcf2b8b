package dev.runbook.workflows;

import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTarget;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.engine.AbstractRunbookWorkflow;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.engine.Versions;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.FullRollbackResult.ServiceVersions;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.ServiceStep;
import dev.runbook.workflows.model.ServiceStepRequest;
import dev.runbook.workflows.model.ServiceStepResult;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.policy.ApprovalRule;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import dev.runbook.workflows.activities.PlanActivities.Kind;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.activities.PlanActivities.PlannedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The full runbook (DESIGN §3): stop every service, back up, deploy previous versions, revert
 * migrations, start, verify, report. Per-service work runs as child workflows under each
 * service's own workflow ID, in the configured order (stopped in reverse).
 */
public class FullRollbackWorkflowImpl extends AbstractRunbookWorkflow implements FullRollbackWorkflow {
  static final Duration ETA = Duration.ofMinutes(30);

  private FullRollbackRequest request;
  private final Map<String, String> fromVersions = new LinkedHashMap<>();
  private final Map<String, String> toVersions = new LinkedHashMap<>();
  private final Map<String, Boolean> healthy = new LinkedHashMap<>();
  private final Map<String, String> backups = new LinkedHashMap<>();
  /** The configuration each service had when the run started (services with one only). */
  private final Map<String, String> fromConfigs = new LinkedHashMap<>();
  /** The configuration each service is to get, where it differs from what it has. */
  private final Map<String, String> toConfigs = new LinkedHashMap<>();
  /** The configuration each service has now, as far as the run knows. */
  private final Map<String, String> runningConfigs = new LinkedHashMap<>();

  public FullRollbackWorkflowImpl() {
    super(RunbookEngine.Mode.RUNBOOK);
  }

  @Override
  public FullRollbackResult rollback(FullRollbackRequest request) {
    this.request = request;
    return engine.run(request, ETA, this::execute, this::result);
  }

  private void execute() {
    List<String> services = request.services();
    List<String> databases = request.databaseList();
    boolean dry = request.dryRun();
    // Version 1: every target is resolved before anyone is told, so a run that cannot know where
    // to go back to is refused before it says or changes anything.
    boolean targetsFirst = Versions.targetsBeforeNotify();
    // An armed request waits its fix-forward window once every target is known, before it
    // announces or stops anything (see engine.FixForwardWindow).
    boolean armed = engine.armed();
    if (!targetsFirst) {
      announceStarted();
    }

    for (String s : services) {
      Supplier<ServiceStepResult> prepare =
          () -> {
            ServiceStepResult p = child(s, ServiceStep.PREPARE, request.toVersion(s));
            engine.detail((dry ? "would roll back " : "") + p.detail());
            return p;
          };
      String title = "Prepare " + s + ": evidence and target version";
      ServiceStepResult r =
          targetsFirst
              ? engine.stepOrRefuse(
                  "prepare-" + s, title, prepare, FailureType.NO_GOOD_VERSION, FailureType.ROLLED_BACK_VERSION)
              : engine.step("prepare-" + s, title, StepPolicy.REQUIRED, prepare);
      fromVersions.put(s, r.fromVersion());
      toVersions.put(s, r.toVersion());
      if (r.fromConfig() != null) {
        fromConfigs.put(s, r.fromConfig());
        runningConfigs.put(s, r.fromConfig());
        if (r.toConfig() != null && !r.toConfig().equals(r.fromConfig())) {
          toConfigs.put(s, r.toConfig());
        }
      }
    }
    if (targetsFirst && !armed) {
      announceStarted();
    }
    Map<String, SchemaTarget> schemas = new LinkedHashMap<>();
    for (String d : databases) {
      String to = request.toMigration(d);
      schemas.put(
          d,
          engine.step(
              "resolve-schema-" + d,
              "Resolve the target schema of " + d,
              StepPolicy.REQUIRED,
              () ->
                  engine.databases(ActivityCatalog.QUICK)
                      .resolveSchemaTarget(new SchemaTargetRequest(d, null, to, to == null ? 1 : null, dry))));
    }
    engine.moving(versions(fromVersions), versions(toVersions));

    ApprovalRule rule = engine.policy().policy().ruleFor(request.severity(), false);
    engine.planAfterApproval(plan(services, databases, schemas));
    if (armed) {
      engine.armedWindow(request.environment() + " " + versions(fromVersions) + " -> " + versions(toVersions), rule);
      announceStarted();
      engine.awaitApproval();
    } else {
      engine.approvalGate(rule);
    }

    List<String> reversed = new ArrayList<>(services);
    java.util.Collections.reverse(reversed);
    for (String s : reversed) {
      engine.compensation("stop-" + s, "Start " + s + " again", () -> child(s, ServiceStep.START, null));
      engine.step("stop-" + s, "Stop " + s, StepPolicy.REQUIRED, () -> child(s, ServiceStep.STOP, null));
    }
    for (String d : databases) {
      BackupResult b =
          engine.step(
              "backup-" + d,
              "Back up " + d,
              StepPolicy.REQUIRED,
              () ->
                  engine.databases(ActivityCatalog.LONG)
                      .backup(new BackupRequest(d, engine.key("backup-" + d), dry)));
      backups.put(d, b.backupId());
    }
    if (!toConfigs.isEmpty() && Versions.fullConfig()) {
      restoreConfigs(services);
    }
    for (String s : services) {
      String from = fromVersions.get(s);
      String fromConfig = fromConfigs.get(s);
      if (from != null) {
        engine.compensation(
            "deploy-" + s,
            "Redeploy " + from + " to " + s,
            () -> {
              child(s, ServiceStep.DEPLOY, from);
              if (fromConfig == null) {
                engine.restored(s, from, null);
              } else {
                engine.restored(s, from, null, fromConfig);
              }
            });
      }
      engine.step(
          "deploy-" + s,
          "Deploy " + toVersions.get(s) + " to " + s,
          StepPolicy.REQUIRED,
          () -> {
            ServiceStepResult r = child(s, ServiceStep.DEPLOY, toVersions.get(s));
            String config = runningConfigs.get(s);
            if (config == null) {
              engine.released(s, toVersions.get(s), from, null, request.force());
            } else {
              engine.released(s, toVersions.get(s), from, null, request.force(), config,
                  config.equals(fromConfig) ? null : fromConfig);
            }
            return r;
          });
    }
    for (String d : databases) {
      String backup = backups.get(d);
      SchemaTarget target = schemas.get(d);
      engine.compensation(
          "revert-" + d,
          "Restore backup " + backup + " into " + d,
          () ->
              engine.databases(ActivityCatalog.LONG)
                  .restoreInPlace(new InPlaceRestoreRequest(d, backup, engine.key("compensate-restore-" + d), dry)));
      engine.step(
          "revert-" + d,
          "Revert " + d + " to schema " + target.targetVersion(),
          StepPolicy.SKIPPABLE,
          () ->
              engine.databases(ActivityCatalog.MIGRATION)
                  .revertMigrations(new RevertRequest(d, target.targetVersion(), engine.key("revert-" + d), dry)));
    }
    for (String s : services) {
      engine.step("start-" + s, "Start " + s, StepPolicy.REQUIRED, () -> child(s, ServiceStep.START, null));
    }
    for (String s : services) {
      ServiceStepResult v =
          engine.step(
              "verify-" + s,
              "Verify " + s + " on " + toVersions.get(s),
              StepPolicy.SKIPPABLE,
              () -> {
                ServiceStepResult r = child(s, ServiceStep.VERIFY, toVersions.get(s));
                if (dry) {
                  engine.detail("would check health, version " + toVersions.get(s) + ", smoke checks and error rate");
                } else if (r.healthy()) {
                  engine.verifiedHealthy(s, toVersions.get(s));
                }
                return r;
              });
      // A dry run deployed nothing and so verified nothing: no service is called healthy.
      healthy.put(s, !dry && v != null && v.healthy());
    }
    engine.announce("report", "Status report", NotificationKind.REPORT, dry ? plan() : report());
  }

  /**
   * Writes back, while the services are stopped, the configuration each target version last ran
   * healthy with; each restore registers the restore of the one before as its compensation.
   */
  private void restoreConfigs(List<String> services) {
    for (String s : services) {
      String to = toConfigs.get(s);
      if (to == null) {
        continue;
      }
      String from = fromConfigs.get(s);
      engine.compensation(
          "restore-config-" + s,
          "Restore configuration " + from + " of " + s,
          () -> {
            child(s, ServiceStep.RESTORE_CONFIG, null, from);
            runningConfigs.put(s, from);
          });
      engine.step(
          "restore-config-" + s,
          "Restore configuration " + to + " of " + s,
          StepPolicy.REQUIRED,
          () -> {
            ServiceStepResult r = child(s, ServiceStep.RESTORE_CONFIG, null, to);
            engine.detail((request.dryRun() ? "would write " : "") + r.detail());
            if (!request.dryRun()) {
              runningConfigs.put(s, to);
            }
            return r;
          });
    }
  }

  private void announceStarted() {
    List<String> databases = request.databaseList();
    engine.announce(
        "notify-started",
        "Notify: full rollback in progress",
        NotificationKind.STARTED,
        "full rollback of " + request.environment() + ": "
            + (toVersions.isEmpty() ? String.join(", ", request.services()) : versions(fromVersions) + " -> " + versions(toVersions))
            + (databases.isEmpty() ? "" : "; databases " + String.join(", ", databases)));
  }

  private ServiceStepResult child(String service, ServiceStep step, String version) {
    return child(service, step, version, null);
  }

  /** @param config RESTORE_CONFIG: the configuration snapshot to write back */
  private ServiceStepResult child(String service, ServiceStep step, String version, String config) {
    ServiceRollbackWorkflow child =
        Workflow.newChildWorkflowStub(
            ServiceRollbackWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(childId(service))
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setStaticSummary(
                    step.label() + " " + service + (version == null ? "" : " " + version)
                        + (config == null ? "" : " " + config) + " for " + engine.workflowId())
                .build());
    return engine.note(
        child.run(
            new ServiceStepRequest(
                service,
                step,
                version,
                engine.workflowId(),
                request.severity(),
                request.reason(),
                request.requestedBy(),
                request.incidentId(),
                request.dryRun(),
                request.force(),
                config)));
  }

  /**
   * A real run's child takes the service's business ID, so a full rollback and a rollback of one
   * of its services never act at once. A dry run's child holds nothing: it takes a dry-run ID
   * tagged with this run (dry runs recorded before that change used the business ID).
   */
  private String childId(String service) {
    if (request.dryRun() && Versions.dryRunsHoldNothing()) {
      return WorkflowIds.forDryRun(WorkflowIds.forService(service), engine.historyTag());
    }
    return WorkflowIds.forService(service);
  }

  /** A dry run's report: what it would do to each service, never what it did. */
  private String plan() {
    StringBuilder b = new StringBuilder();
    for (String s : request.services()) {
      b.append(s).append(": would roll back from ").append(fromVersions.get(s)).append(" to ")
          .append(toVersions.get(s));
      if (toConfigs.containsKey(s)) {
        b.append(" and restore configuration ").append(fromConfigs.get(s)).append(" -> ").append(toConfigs.get(s));
      }
      b.append(", then check health, version, smoke checks and error rate\n");
    }
    for (String d : request.databaseList()) {
      b.append(d).append(": would back up, then revert the schema\n");
    }
    return b.toString().strip();
  }

  private String report() {
    StringBuilder b = new StringBuilder();
    for (String s : request.services()) {
      b.append(s).append(": ").append(fromVersions.get(s)).append(" -> ").append(toVersions.get(s));
      String config = runningConfigs.get(s);
      if (config != null) {
        b.append(config.equals(fromConfigs.get(s)) ? ", configuration " + config + " kept"
            : ", configuration " + fromConfigs.get(s) + " -> " + config);
      }
      b.append(Boolean.TRUE.equals(healthy.get(s)) ? ", healthy" : ", NOT verified").append('\n');
    }
    backups.forEach((d, id) -> b.append(d).append(": backup ").append(id).append('\n'));
    return b.toString().strip();
  }

  private static String versions(Map<String, String> byService) {
    List<String> parts = new ArrayList<>();
    byService.forEach((s, v) -> parts.add(s + "=" + v));
    return String.join(",", parts);
  }

  private FullRollbackResult result(RunReport report) {
    List<ServiceVersions> list = new ArrayList<>();
    for (String s : request.services()) {
      list.add(
          new ServiceVersions(
              s, fromVersions.get(s), toVersions.get(s), Boolean.TRUE.equals(healthy.get(s)), fromConfigs.get(s),
              toConfigs.containsKey(s) && toConfigs.get(s).equals(runningConfigs.get(s)) ? toConfigs.get(s) : null));
    }
    return new FullRollbackResult(report, request.environment(), list, List.copyOf(backups.values()));
  }

  /** Stop, configure, deploy, revert, start: what a full rollback's approval approves. */
  private PlanRequest plan(List<String> services, List<String> databases, Map<String, SchemaTarget> schemas) {
    List<PlannedAction> plan = new ArrayList<>();
    List<String> reversed = new ArrayList<>(services);
    java.util.Collections.reverse(reversed);
    reversed.forEach(s -> plan.add(new PlannedAction(Kind.STOP, s, null, null)));
    toConfigs.forEach((s, c) -> plan.add(new PlannedAction(Kind.CONFIG, s, c, fromConfigs.get(s))));
    services.forEach(s -> plan.add(new PlannedAction(Kind.DEPLOY, s, toVersions.get(s), fromVersions.get(s))));
    databases.forEach(d -> plan.add(new PlannedAction(
        Kind.REVERT_SCHEMA, d, schemas.get(d).targetVersion(), schemas.get(d).currentVersion())));
    services.forEach(s -> plan.add(new PlannedAction(Kind.START, s, null, null)));
    return new PlanRequest(plan);
  }
}
