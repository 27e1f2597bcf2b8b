package dev.runbook.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * A service's configuration (its env file, its Kubernetes ConfigMap and env, its platform's
 * variables): snapshots kept in the release ledger, and restoring one. Values never cross this
 * interface: a snapshot is passed by its ID, and a difference by variable names and short keyed
 * hashes ({@link ConfigDiff}). Every method is idempotent: the same configuration taken again is
 * the same snapshot, and restoring a snapshot the service already has changes nothing.
 */
@ActivityInterface(namePrefix = "Config")
public interface ConfigActivities {
  /**
   * Reads the service's configuration and keeps it, sealed, as a snapshot. A service without
   * configuration answers {@code configured = false}. A dry run reads and keeps nothing.
   */
  ConfigSnapshot snapshot(SnapshotRequest request);

  /**
   * The configuration to restore, chosen by the release ledger: the last known good one, or the
   * one a version last ran healthy with; and how it differs from what the service has now.
   * Throws {@link FailureType#NO_GOOD_CONFIG} when the ledger knows none.
   */
  ConfigTarget resolveConfig(ConfigTargetRequest request);

  /** Writes a snapshot back (the exact file, the ConfigMap and env, the platform's variables). */
  ConfigRestoreResult restore(RestoreRequest request);

  /**
   * @param takenBy the run (workflow ID) or person the snapshot is taken for, kept with it
   */
  record SnapshotRequest(String service, String takenBy, boolean dryRun) {}

  /**
   * @param configured false when the service has no configuration section (nothing was read)
   * @param snapshotId the snapshot's ID ({@code cfg-} and twelve hex digits); in a dry run, the
   *     ID it would have
   * @param kind envFile, kubernetes or command
   * @param names the variables it holds, sorted
   */
  record ConfigSnapshot(
      String service,
      boolean configured,
      String snapshotId,
      String kind,
      List<String> names,
      List<String> planned)
      implements Planned {

    /** "cfg-3f2a91c0d1e4 (4 variables)". */
    public String describe() {
      return configured ? snapshotId + " (" + names.size() + " variable" + (names.size() == 1 ? "" : "s") + ")"
          : "no configuration";
    }
  }

  /**
   * @param version null for the last known good configuration (a configuration-only rollback);
   *     else the version whose configuration to restore (version and configuration together)
   * @param keepWhenUnknown when the ledger knows no configuration to go back to, answer with the
   *     one the service has (nothing to restore) instead of failing: a full rollback still moves
   *     the versions
   */
  record ConfigTargetRequest(String service, String version, boolean keepWhenUnknown, boolean dryRun) {}

  /**
   * @param currentSnapshot the configuration the service has now
   * @param why what the release ledger says of the chosen one
   * @param diff from what the service has now to the chosen one
   */
  record ConfigTarget(
      String service,
      String snapshotId,
      String currentSnapshot,
      String why,
      ConfigDiff diff,
      List<String> planned)
      implements Planned {

    /** The step detail: the snapshot, what chose it, and the difference by name. */
    public String describe() {
      return snapshotId + " (" + why + "): " + (snapshotId.equals(currentSnapshot)
          ? "the service has it already" : diff.describe());
    }
  }

  /** @param key stable idempotency key: workflow ID, run and step */
  record RestoreRequest(String service, String snapshotId, String key, boolean dryRun) {}

  /**
   * @param changed false when the service had that configuration already
   * @param diff from what the service had to the snapshot
   */
  record ConfigRestoreResult(
      String service,
      String snapshotId,
      boolean changed,
      ConfigDiff diff,
      String detail,
      List<String> planned)
      implements Planned {}
}
