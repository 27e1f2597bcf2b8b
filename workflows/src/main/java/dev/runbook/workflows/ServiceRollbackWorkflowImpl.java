package dev.runbook.workflows;

import dev.runbook.workflows.activities.CheckActivities.CheckRequest;
import dev.runbook.workflows.activities.ConfigActivities.ConfigRestoreResult;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.ConfigTarget;
import dev.runbook.workflows.activities.ConfigActivities.ConfigTargetRequest;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.CheckActivities.ErrorRateRequest;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceEvidence;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyResult;
import dev.runbook.workflows.engine.AbstractRunbookWorkflow;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.engine.Versions;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.ServiceStepRequest;
import dev.runbook.workflows.model.ServiceStepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One service's phase of a full rollback; a failure fails the child and the parent decides. */
public class ServiceRollbackWorkflowImpl extends AbstractRunbookWorkflow
    implements ServiceRollbackWorkflow {
  private ServiceStepRequest request;
  private String fromVersion;
  private String toVersion;
  private boolean healthy;
  private String detail;
  private String fromConfig;
  private String toConfig;

  public ServiceRollbackWorkflowImpl() {
    super(RunbookEngine.Mode.CHILD);
  }

  @Override
  public ServiceStepResult run(ServiceStepRequest request) {
    this.request = request;
    return engine.run(request, Duration.ofMinutes(5), this::execute, this::result);
  }

  private void execute() {
    String service = request.service();
    boolean dry = request.dryRun();
    String key = request.parentWorkflowId() + "/" + service + "/" + request.step().label();
    switch (request.step()) {
      case PREPARE -> {
        ServiceEvidence e =
            engine.step(
                "capture-evidence",
                "Capture evidence of " + service,
                StepPolicy.PROPAGATE,
                () ->
                    engine.services(ActivityCatalog.QUICK).captureEvidence(new ServiceQuery(service, dry)));
        TargetVersion t =
            engine.step(
                "resolve-target",
                "Resolve the target version of " + service,
                StepPolicy.PROPAGATE,
                () ->
                    engine.services(ActivityCatalog.QUICK)
                        .resolveTarget(
                            new TargetVersionRequest(
                                service, e.currentVersion(), request.version(), dry, request.force())));
        fromVersion = e.currentVersion();
        toVersion = t.version();
        healthy = e.healthy();
        detail = service + ": " + fromVersion + " -> " + t.describe();
        if (Versions.configSnapshots()) {
          prepareConfig(service, dry);
        }
      }
      case RESTORE_CONFIG -> {
        ConfigRestoreResult r =
            engine.step(
                "restore-config",
                "Restore configuration " + request.configSnapshot() + " of " + service,
                StepPolicy.PROPAGATE,
                () ->
                    engine.configs(ActivityCatalog.SERVICE)
                        .restore(new RestoreRequest(service, request.configSnapshot(),
                            key + "/" + request.configSnapshot(), dry)));
        toConfig = request.configSnapshot();
        detail = r.detail();
      }
      case STOP ->
          engine.step(
              "stop",
              "Stop " + service,
              StepPolicy.PROPAGATE,
              () -> engine.services(ActivityCatalog.SERVICE).stop(new ServiceAction(service, key, dry)));
      case DEPLOY -> {
        engine.step(
            "deploy",
            "Deploy " + request.version() + " to " + service,
            StepPolicy.PROPAGATE,
            () ->
                engine.services(ActivityCatalog.SERVICE)
                    .deploy(new DeployRequest(service, request.version(), key + "/" + request.version(), dry)));
        toVersion = request.version();
      }
      case START ->
          engine.step(
              "start",
              "Start " + service,
              StepPolicy.PROPAGATE,
              () -> engine.services(ActivityCatalog.SERVICE).start(new ServiceAction(service, key, dry)));
      case VERIFY -> {
        VerifyResult v =
            engine.step(
                "verify",
                "Verify " + service,
                StepPolicy.PROPAGATE,
                () -> {
                  VerifyResult r =
                      engine.note(
                          engine.services(ActivityCatalog.VERIFY)
                              .verify(new VerifyRequest(service, request.version(), dry)));
                  engine.note(engine.checks().smokeChecks(new CheckRequest(service, dry)));
                  engine.note(engine.checks().errorRate(new ErrorRateRequest(service, true, dry)));
                  return r;
                });
        // A dry run checked nothing: it never calls a service healthy.
        healthy = !dry && v.healthy();
        toVersion = v.version();
      }
    }
  }

  /**
   * Snapshots the configuration and resolves the one the target version last ran healthy with;
   * when the ledger knows none, the configuration stays as it is.
   */
  private void prepareConfig(String service, boolean dry) {
    ConfigSnapshot snapshot =
        engine.step(
            "snapshot-config",
            "Snapshot the configuration of " + service,
            StepPolicy.PROPAGATE,
            () ->
                engine.configs(ActivityCatalog.QUICK)
                    .snapshot(new SnapshotRequest(service, request.parentWorkflowId(), dry)));
    if (!snapshot.configured()) {
      return;
    }
    fromConfig = snapshot.snapshotId();
    ConfigTarget target =
        engine.step(
            "resolve-config",
            "Resolve the configuration " + toVersion + " last ran healthy with",
            StepPolicy.PROPAGATE,
            () ->
                engine.configs(ActivityCatalog.QUICK)
                    .resolveConfig(new ConfigTargetRequest(service, toVersion, true, dry)));
    toConfig = target.snapshotId();
    detail += "; configuration " + (toConfig.equals(fromConfig) ? fromConfig + " kept (" + target.why() + ")"
        : fromConfig + " -> " + target.describe());
  }

  private ServiceStepResult result(RunReport report) {
    List<String> planned = new ArrayList<>();
    report.steps().forEach(s -> planned.addAll(s.planned()));
    return new ServiceStepResult(
        request.service(), request.step(), fromVersion, toVersion, healthy, detail, planned, fromConfig, toConfig);
  }
}
