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

  /**
   * The emergency runbook resolves its target before it tells anyone (version 1), and a target
   * that cannot be known (no good version, a version rolled back from without force) ends the run
   * as refused before it says or changes anything.
   */
  public static final String TARGET_BEFORE_NOTIFY = "target-before-notify";

  /** The same for the full runbook: every service's target before the announcement. */
  public static final String TARGETS_BEFORE_NOTIFY = "targets-before-notify";

  /** The phase moves past the approval gate as soon as the last approval counts (version 1). */
  public static final String PHASE_ON_APPROVAL = "phase-on-approval";

  /**
   * Armed runs (version 1): a request with {@code armFor} waits its fix-forward window once it
   * knows what it would do, asks for approval meanwhile, and goes ahead when the window ends unless
   * disarmed. Asked only by runs whose request is armed, which no run before this change was.
   */
  public static final String ARMED_RUNS = "armed-runs";

  /**
   * Runs snapshot the service's configuration with the evidence (version 1): an emergency run in
   * its capture-evidence step, a full run's per-service prepare step. The snapshot is what the
   * release ledger records the run's releases with, and what a compensation restores.
   */
  public static final String CONFIG_SNAPSHOTS = "config-snapshots";

  /**
   * The full runbook restores, while the services are stopped, the configuration each target
   * version last ran healthy with, for the services that have a configuration (version 1).
   */
  public static final String FULL_CONFIG = "full-config";

  /**
   * A run that ends starts its post-rollback checklist (version 1): a {@code ChecklistWorkflow}
   * child that outlives it. Asked only by real runbook runs that end, not by dry runs, drills,
   * service runs of a full rollback or jobs. Version 2: the run first reads the checklist's plan
   * itself (a local activity in the workflow task that ends it) and starts the child only when
   * there is a checklist; a child with none would end at once, often within the parent's last
   * workflow task, whose completion the server then refuses (UnhandledCommand) and runs again.
   */
  public static final String CHECKLISTS = "checklists";

  /**
   * Approvals are bound to a plan (version 1): a run that asks for approval first reads what it
   * will do ({@code PlanActivities.plan}), shows it with its hash, takes votes for that hash, and
   * reads it again once approved; when it changed, the approval lapses and is asked again. Asked
   * only by runs that ask for approval with a plan, at the moment they ask.
   */
  public static final String PLAN_BOUND = "plan-bound-approvals";

  /**
   * A staged restore measures what it would discard (version 1): once the backup is in staging,
   * the live database is compared with it while the approval is pending (votes wait for it), and
   * again with the writers stopped just before the swap, keeping the rows as a salvage set.
   * Version 2 catches up once approved, before the writers stop: a measurement of what was written
   * while the approval waited, so the one with the writers stopped has only seconds of writes left.
   */
  public static final String DISCARD_MEASURED = "discard-measured";

  /**
   * Bookkeeping no longer holds up the run (version 1): the end of a step is written to the
   * rollback log behind the run (the next step starts at once; one write in flight at a time, and
   * the end of the run writes whatever is still pending), the team's message that the run was
   * approved is sent behind it too, and the plan read again once approved is a local activity, in
   * the workflow task that starts the next step. A log write or a message in flight when the run
   * is cancelled is abandoned, not cancelled (it finishes on its own). Asked once by every runbook
   * run (not a child run or a job) as it starts, before its first command: asked later, the wait
   * for the answer could let another thread's command go first in a run recorded before the
   * change.
   *
   * <p>Version 2: asking for approval goes behind the run too. The request is written to the
   * rollback log before the message is sent (the log shows it before any vote), the message goes
   * behind, and the run waits for votes at once, so a vote that comes at once does not wait for
   * the request's bookkeeping; messages sent behind the run go out one at a time, in order, and a
   * message the run waits for goes after them.
   */
  public static final String BOOKKEEPING_BEHIND = "bookkeeping-behind";

  private Versions() {}

  /**
   * How far the run's bookkeeping goes behind it (see {@link #BOOKKEEPING_BEHIND}): 0 not at all
   * (runs recorded before the change), 1 or 2.
   */
  static int bookkeepingBehind() {
    return Math.max(0, Workflow.getVersion(BOOKKEEPING_BEHIND, Workflow.DEFAULT_VERSION, 2));
  }

  /** True in runs whose approval is bound to a plan (see {@link #PLAN_BOUND}). */
  static boolean planBound() {
    return Workflow.getVersion(PLAN_BOUND, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * How a staged restore measures what it discards (see {@link #DISCARD_MEASURED}): 0 not at all,
   * 1 before the approval and with the writers stopped, 2 also catching up once approved.
   */
  public static int discardMeasured() {
    return Math.max(0, Workflow.getVersion(DISCARD_MEASURED, Workflow.DEFAULT_VERSION, 2));
  }

  /**
   * How a run that ends starts its checklist (see {@link #CHECKLISTS}): 0 not at all, 1 always as
   * a child, 2 as a child only when its plan has items.
   */
  static int checklists() {
    return Workflow.getVersion(CHECKLISTS, Workflow.DEFAULT_VERSION, 2);
  }

  /** True in runs that snapshot the configuration (see {@link #CONFIG_SNAPSHOTS}). */
  public static boolean configSnapshots() {
    return Workflow.getVersion(CONFIG_SNAPSHOTS, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** True in full runs that restore configurations (see {@link #FULL_CONFIG}). */
  public static boolean fullConfig() {
    return Workflow.getVersion(FULL_CONFIG, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** True in armed runs that wait their window (see {@link #ARMED_RUNS}). */
  static boolean armedRuns() {
    return Workflow.getVersion(ARMED_RUNS, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** True in emergency runs that resolve the target first (see {@link #TARGET_BEFORE_NOTIFY}). */
  public static boolean targetBeforeNotify() {
    return Workflow.getVersion(TARGET_BEFORE_NOTIFY, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** True in full runs that resolve every target first (see {@link #TARGETS_BEFORE_NOTIFY}). */
  public static boolean targetsBeforeNotify() {
    return Workflow.getVersion(TARGETS_BEFORE_NOTIFY, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** True in runs whose phase moves on with the last approval (see {@link #PHASE_ON_APPROVAL}). */
  static boolean phaseOnApproval() {
    return Workflow.getVersion(PHASE_ON_APPROVAL, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** True in runs that take the dry-run path of {@link #DRY_RUNS_HOLD_NOTHING}. */
  public static boolean dryRunsHoldNothing() {
    return Workflow.getVersion(DRY_RUNS_HOLD_NOTHING, Workflow.DEFAULT_VERSION, 1) >= 1;
  }
}
