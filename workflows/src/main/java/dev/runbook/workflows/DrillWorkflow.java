package dev.runbook.workflows;

import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.CancelRequest;
import dev.runbook.workflows.model.DrillAlert;
import dev.runbook.workflows.model.Receipt;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A rollback drill on a staging service: break, detect, roll back with the real runbook, restore, report. */
@WorkflowInterface
public interface DrillWorkflow {
  @WorkflowMethod(name = "Drill")
  DrillReport drill(DrillRequest request);

  /** The query's name, for clients that hold an untyped stub. */
  String PROGRESS = "progress";

  /**
   * Where the drill is, in one sentence: "breaking shop with v3-broken", "waiting for the health
   * check to see the break (limit 5m)", "rolling back: rollback-shop", "restoring shop", or its
   * verdict once it has reported.
   */
  @QueryMethod(name = PROGRESS)
  String progress();

  /** The update's name, for clients that hold an untyped stub. */
  String CANCEL = "cancel";

  /**
   * Stops the drill where it is (the break, the wait for detection, or the runbook, which is
   * cancelled with it), puts staging back and reports the drill as cancelled by the person.
   */
  @UpdateMethod(name = CANCEL)
  Receipt cancel(CancelRequest request);

  /** Refuses a cancel without a person, a second one, or one after the drill has restored staging. */
  @UpdateValidatorMethod(updateName = CANCEL)
  void validateCancel(CancelRequest request);

  /** The update's name, for clients that hold an untyped stub. */
  String ALERT = "alert";

  /**
   * An Alertmanager alert for the drill's target: the break is detected by monitoring when the
   * drill waits for an alert and the alert carries the drill's labels.
   */
  @UpdateMethod(name = ALERT)
  Receipt alert(DrillAlert alert);

  /**
   * Refuses an alert when the drill detects by another signal, does not wait for detection (yet
   * or any more), or the alert's labels are not the drill's; the refusal says which.
   */
  @UpdateValidatorMethod(updateName = ALERT)
  void validateAlert(DrillAlert alert);
}
