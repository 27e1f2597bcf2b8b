package dev.runbook.workflows;

import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardRequest;
import dev.runbook.workflows.activities.DatabaseActivities.IntegrityRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.engine.Versions;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.policy.ApprovalRule;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;

/**
 * The default restore (DESIGN §3): the backup is restored into a staging database while the
 * approval is pending, the live database is compared with it so approvers see what the restore
 * discards, and the application is down only for the writers' stop, the last salvage and the two
 * renames. Workflow code, called by the database runbook.
 */
public final class StagedSwap {
  /** How the swap step names the safety copy; the incident report reads it from the log. */
  public static final String KEPT_AS = "the old database is kept as ";

  private final RunbookEngine engine;
  private final String database;
  private final DatabaseRollbackRequest request;
  private final Writers writers;
  private final boolean dry;

  StagedSwap(RunbookEngine engine, String database, DatabaseRollbackRequest request, Writers writers) {
    this.engine = engine;
    this.database = database;
    this.request = request;
    this.writers = writers;
    this.dry = request.dryRun();
  }

  /** @return the safety copy's name */
  String restore(BackupInfo source, PlanRequest plan, ApprovalRule rule) {
    // Version 1: what the restore discards is measured while the approval waits (votes wait for
    // it), and kept as a salvage set with the writers stopped just before the swap. Version 2
    // catches up on the writes made while the approval waited, before the writers stop.
    int measuring = dry ? 0 : Versions.discardMeasured();
    boolean measures = measuring >= 1;
    engine.planAfterApproval(plan);
    engine.openApproval(rule);
    if (measures) {
      engine.measuringDiscards("the measurement of what the restore discards (after the backup is restored into"
          + " staging)");
    }
    engine.cleanup(
        "drop-staging",
        "Drop the staging database of this run",
        () ->
            engine.databases(ActivityCatalog.QUICK)
                .dropStaging(new SwapRequest(database, engine.runTag(), engine.key("drop-staging"), dry)));
    CancellationScope prepare =
        Workflow.newCancellationScope(
            () -> {
              engine.step(
                  "restore-staging",
                  "Restore " + source.backupId() + " into a staging database (while approval is pending)",
                  StepPolicy.REQUIRED,
                  () ->
                      engine.databases(ActivityCatalog.LONG)
                          .restoreStaged(
                              new StagedRestoreRequest(
                                  database,
                                  source.backupId(),
                                  engine.runTag(),
                                  engine.key("restore-staging"),
                                  dry,
                                  request.crossRestore())));
              engine.step(
                  "check-staging",
                  "Run the integrity checks on the staged copy",
                  StepPolicy.REQUIRED,
                  () ->
                      engine.databases(ActivityCatalog.QUICK)
                          .checkIntegrity(
                              new IntegrityRequest(
                                  database, engine.runTag(), source.schemaVersion(), true, dry)));
              if (measures) {
                measureDiscard();
              }
            });
    engine.onApprovalRefused(prepare::cancel);
    try {
      prepare.run();
    } catch (CanceledFailure stopped) {
      if (!engine.approvalRefused()) {
        throw stopped;
      }
    }
    engine.awaitApproval();

    if (measuring >= 2) {
      catchUp();
    }
    writers.stop();
    if (measures) {
      keepSalvage();
    }
    engine.compensation(
        "swap",
        "Swap back: the safety copy becomes live again",
        () ->
            engine.databases(ActivityCatalog.QUICK)
                .swapBack(new SwapRequest(database, engine.runTag(), engine.key("swap-back"), dry)));
    SwapResult swap =
        engine.step(
            "swap",
            "End sessions and swap the staged copy in",
            StepPolicy.REQUIRED,
            () -> {
              SwapResult r = engine.databases(ActivityCatalog.QUICK)
                  .swap(new SwapRequest(database, engine.runTag(), engine.key("swap"), dry));
              if (!dry && r.safetyName() != null) {
                engine.detail(KEPT_AS + r.safetyName());
              }
              return r;
            });
    engine.cancelCleanup("drop-staging");
    writers.startAndVerify();
    return swap.safetyName();
  }

  /**
   * The live database against the staged backup, while the approval waits: approvers see what the
   * restore discards before their votes count. A measurement that fails for good may be skipped,
   * and the approvers are told it was not measured.
   */
  private void measureDiscard() {
    DiscardReport measured =
        engine.step(
            "measure-discard",
            "Measure what the restore discards: the live database against the staged backup",
            StepPolicy.SKIPPABLE,
            () -> {
              DiscardReport d =
                  engine.databases(ActivityCatalog.LONG)
                      .measureDiscard(
                          new DiscardRequest(database, engine.runTag(), engine.key("measure-discard"), dry, false));
              engine.discardsMeasured(d);
              return d;
            });
    if (measured == null) {
      engine.discardsMeasured(null);
    }
  }

  /**
   * Once approved, with the writers still writing: what they wrote while the approval waited is
   * measured now, so the last measurement, with them stopped, compares only the tables written
   * since and hashes only the newest rows (the writers' downtime does not grow with the wait).
   */
  private void catchUp() {
    engine.step(
        "catch-up",
        "Catch up on the writes made while the approval waited (writers still running)",
        StepPolicy.SKIPPABLE,
        () -> {
          DiscardReport d =
              engine.databases(ActivityCatalog.LONG)
                  .measureDiscard(new DiscardRequest(database, engine.runTag(), engine.key("catch-up"), dry, false));
          engine.detail(Shown.discards(d));
          engine.discardRecorded(d, false);
          return d;
        });
  }

  /** With the writers stopped the live database is final: the rows the restore discards are kept. */
  private void keepSalvage() {
    engine.step(
        "salvage",
        "Keep the rows the restore discards as a salvage set (writers stopped)",
        StepPolicy.SKIPPABLE,
        () -> {
          DiscardReport d =
              engine.databases(ActivityCatalog.LONG)
                  .measureDiscard(new DiscardRequest(database, engine.runTag(), engine.key("salvage"), dry, true));
          engine.detail(Shown.salvaged(d));
          engine.discardRecorded(d, true);
          return d;
        });
  }
}
