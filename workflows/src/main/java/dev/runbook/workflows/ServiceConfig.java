package dev.runbook.workflows;

import dev.runbook.workflows.activities.ConfigActivities.ConfigRestoreResult;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.ConfigTarget;
import dev.runbook.workflows.activities.ConfigActivities.ConfigTargetRequest;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.engine.Versions;

/**
 * One service's configuration in an emergency run: the snapshot taken with the evidence, the
 * configuration chosen to go back to, restoring it (with the restore of the one before
 * registered as its compensation) and the restart that makes the service read it. Values never
 * reach the run: snapshots go by ID, differences by name and short hash.
 */
final class ServiceConfig {
  private final RunbookEngine engine;
  private final String service;
  private final boolean dry;
  private ConfigSnapshot snapshot;
  private ConfigTarget target;
  private String running;

  ServiceConfig(RunbookEngine engine, String service, boolean dry) {
    this.engine = engine;
    this.service = service;
    this.dry = dry;
  }

  /**
   * Snapshots the configuration, inside the evidence step (runs since {@link
   * Versions#CONFIG_SNAPSHOTS}); returns what the step's detail says of it.
   */
  String snapshotWithEvidence() {
    if (!Versions.configSnapshots()) {
      return "";
    }
    snapshot =
        engine.note(
            engine.configs(ActivityCatalog.QUICK)
                .snapshot(new SnapshotRequest(service, engine.workflowId(), dry)));
    running = current();
    return snapshot.configured() ? ", configuration " + snapshot.describe() : "";
  }

  /** The configuration the service had when the run started, or null (none, or not known). */
  String current() {
    return snapshot == null || !snapshot.configured() ? null : snapshot.snapshotId();
  }

  /** The configuration the service has now, as far as the run knows. */
  String running() {
    return running;
  }

  /** The configuration the run moved away from, once it has. */
  String left() {
    return running != null && !running.equals(current()) ? current() : null;
  }

  ConfigTarget target() {
    return target;
  }

  /**
   * Resolves the configuration to restore: the last known good one ({@code version} null), or
   * the one {@code version} last ran healthy with. None known ends the run as refused, before it
   * says or changes anything.
   */
  ConfigTarget resolve(String version) {
    target =
        engine.stepOrRefuse(
            "resolve-config",
            version == null
                ? "Resolve the configuration to restore"
                : "Resolve the configuration " + version + " last ran healthy with",
            () -> {
              ConfigTarget t =
                  engine.configs(ActivityCatalog.QUICK)
                      .resolveConfig(new ConfigTargetRequest(service, version, false, dry));
              engine.detail((dry ? "would restore " : "restore ") + t.describe());
              return t;
            },
            FailureType.NO_GOOD_CONFIG,
            FailureType.NOT_SUPPORTED);
    return target;
  }

  /** True when the chosen configuration is not the one the service has. */
  boolean changes() {
    return target != null && !target.snapshotId().equals(target.currentSnapshot());
  }

  /**
   * Restores the chosen configuration (step {@code restore-config}), after registering the
   * restore of the one the service had as its compensation.
   *
   * @param version the version the service runs (for the ledger)
   * @param release tell the ledger here (a configuration-only run); otherwise the deploy does
   * @return whether the service must restart to read it (in a dry run: whether it would)
   */
  boolean restore(String version, boolean release) {
    String previous = target.currentSnapshot();
    engine.compensation(
        "restore-config",
        "Restore configuration " + previous + " of " + service + " and restart",
        () -> {
          engine.configs(ActivityCatalog.SERVICE)
              .restore(new RestoreRequest(service, previous, engine.key("compensate-restore-config"), dry));
          engine.services(ActivityCatalog.SERVICE)
              .restart(new ServiceAction(service, engine.key("compensate-restart"), dry));
          running = previous;
          engine.restored(service, version, null, previous);
        });
    ConfigRestoreResult r =
        engine.step(
            "restore-config",
            "Restore configuration " + target.snapshotId() + " of " + service,
            StepPolicy.REQUIRED,
            () -> {
              ConfigRestoreResult result =
                  engine.configs(ActivityCatalog.SERVICE)
                      .restore(new RestoreRequest(service, target.snapshotId(), engine.key("restore-config"), dry));
              engine.detail((dry ? "would write " : "") + result.detail());
              if (!dry) {
                running = target.snapshotId();
              }
              if (release) {
                engine.released(service, version, version, null, false, running, left());
              }
              return result;
            });
    return dry ? changes() : r.changed();
  }

  /** Restarts the service so it reads its configuration (step {@code restart}). */
  void restart() {
    engine.step(
        "restart",
        "Restart " + service + " to read its configuration",
        StepPolicy.REQUIRED,
        () ->
            engine.note(
                engine.services(ActivityCatalog.SERVICE)
                    .restart(new ServiceAction(service, engine.key("restart"), dry))));
  }

  /** "v1 cfg-3f2a91c0d1e4": a version and its configuration, for the rollback log's from and to. */
  static String label(String version, String config) {
    return config == null ? version : version + " " + config;
  }
}
