package dev.runbook.workflows;

import dev.runbook.workflows.activities.ConfigActivities;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.DrillBreakActivities;
import dev.runbook.workflows.activities.DrillBreakActivities.BreakRequest;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/**
 * The staging side of a drill: what each service ran before, the break (a known-bad version,
 * bad configuration values, or the break command), and putting everything back as it was. Every
 * call is one of the idempotent activities, keyed by the drill's ID.
 */
final class DrillStaging {
  private final ServiceActivities quick = Workflow.newActivityStub(ServiceActivities.class, ActivityCatalog.QUICK);
  private final ServiceActivities deploys =
      Workflow.newActivityStub(ServiceActivities.class, ActivityCatalog.SERVICE);
  private final DrillBreakActivities breaks =
      Workflow.newActivityStub(DrillBreakActivities.class, ActivityCatalog.SERVICE);
  private final ConfigActivities configs = Workflow.newActivityStub(ConfigActivities.class, ActivityCatalog.SERVICE);
  private final DrillRequest request;
  private final DrillFindings found;

  DrillStaging(DrillRequest request, DrillFindings found) {
    this.request = request;
    this.found = found;
  }

  /** Reads the version each service the drill restores runs now. */
  void remember() {
    for (String service : request.restored()) {
      found.versionsBefore.put(service, quick.captureEvidence(new ServiceQuery(service, false)).currentVersion());
    }
    found.before = found.versionsBefore.get(request.broken());
  }

  /** Breaks the service as the request says; false when the break did not take (the report says why). */
  boolean breakIt(String broken) {
    String id = found.workflowId;
    switch (request.breaking()) {
      case VERSION -> deploys.deploy(new DeployRequest(broken, request.badVersion(), id + "-break", false));
      case CONFIG -> {
        // What the service reads now is kept first (sealed, by ID), so the restore can write it back.
        ConfigSnapshot before = configs.snapshot(new SnapshotRequest(broken, id, false));
        if (!before.configured()) {
          found.failure = broken + " has no configuration section: a configuration break needs one";
          return false;
        }
        found.configBefore = before.snapshotId();
        found.breakDetail = breaks.breakService(new BreakRequest(id, request.target(), broken, DrillBreak.CONFIG)).detail();
        deploys.restart(new ServiceAction(broken, id + "-break-restart", false));
      }
      case COMMAND -> {
        // Its undo runs on restore even when the command failed half-way.
        found.breakTried = true;
        found.breakDetail = breaks.breakService(new BreakRequest(id, request.target(), broken, DrillBreak.COMMAND)).detail();
        String now = quick.captureEvidence(new ServiceQuery(broken, false)).currentVersion();
        if (java.util.Objects.equals(now, found.before)) {
          // The runbook rolls versions back: it would go back from a good one and mark it rolled back from.
          found.failure = "the break command left " + broken + " on " + found.before + ", the version it ran: make it"
              + " deploy the broken build (the runbook rolls the version back), or break with config";
          return false;
        }
        found.brokenVersion = now;
      }
    }
    return true;
  }

  /** (5) Every service back on the version (and the configuration) it ran before the drill, in start order. */
  /**
   * Puts staging back. With {@code reportsFailures} (drills since {@link
   * DrillWorkflowImpl#REPORTS_EVERY_END}) a step that fails for good is noted and the others still
   * run, so the drill reports "NOT restored" with the reason; before that, it failed the drill.
   */
  void restore(boolean reportsFailures) {
    String id = found.workflowId;
    boolean one = request.restored().size() == 1;
    if (found.breakTried) {
      attempt(reportsFailures, "the undo command",
          () -> breaks.undo(new BreakRequest(id, request.target(), request.broken(), DrillBreak.COMMAND)));
    }
    if (found.configBefore != null) {
      attempt(reportsFailures, "restoring configuration " + found.configBefore, () -> {
        boolean changed = configs.restore(new RestoreRequest(request.broken(), found.configBefore,
            id + "-restore-config", false)).changed();
        if (changed) {
          deploys.restart(new ServiceAction(request.broken(), id + "-restore-restart", false));
        }
      });
    }
    boolean all = found.restoreFailure == null;
    for (String service : request.restored()) {
      String version = found.versionsBefore.get(service);
      if (version == null) {
        // Its adapter could not say what ran: nothing to put back, and the report says so.
        all = false;
        continue;
      }
      all &= attempt(reportsFailures, "deploying " + version + " to " + service, () -> deploys.deploy(
          new DeployRequest(service, version, id + "-restore" + (one ? "" : "-" + service), false)));
    }
    for (String service : request.restored()) {
      all &= java.util.Objects.equals(found.versionsBefore.get(service),
          quick.captureEvidence(new ServiceQuery(service, false)).currentVersion());
    }
    found.restored = all;
  }

  /** Runs one restore step; with {@code reportsFailures}, a failure is noted instead of thrown. */
  private boolean attempt(boolean reportsFailures, String what, Runnable step) {
    if (!reportsFailures) {
      step.run();
      return true;
    }
    try {
      step.run();
      return true;
    } catch (ActivityFailure f) {
      String why = what + " failed: " + (f.getCause() == null ? f.getMessage() : f.getCause().getMessage());
      found.restoreFailure = found.restoreFailure == null ? why : found.restoreFailure + "; " + why;
      return false;
    }
  }
}
