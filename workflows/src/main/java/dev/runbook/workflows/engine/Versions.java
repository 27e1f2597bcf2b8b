package dev.runbook.workflows.engine;

import io.temporal.workflow.Workflow;

/**
 * The changes to what a workflow does that runs in flight may meet, each behind its own {@code
 * Workflow.getVersion} change ID, so histories recorded before the change replay as they ran.
 * Ask only on the path that changed: the marker is then recorded only in runs that take it.
 */
public final class Versions {
  /**
   * Dry runs hold nothing (version 1): a dry run's step that fails for good ends the dry run with
   * the plan so far instead of waiting for a decision, and a dry full rollback's child runs take
   * dry-run IDs instead of the services' business IDs.
   */
  public static final String DRY_RUNS_HOLD_NOTHING = "dry-runs-hold-nothing";

  private Versions() {}

  /** True in runs that take the dry-run path of {@link #DRY_RUNS_HOLD_NOTHING}. */
  public static boolean dryRunsHoldNothing() {
    return Workflow.getVersion(DRY_RUNS_HOLD_NOTHING, Workflow.DEFAULT_VERSION, 1) >= 1;
  }
}
