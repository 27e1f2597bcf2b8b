package dev.runbook.workflows;

import dev.runbook.workflows.model.ChecklistDone;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistRequest;
import dev.runbook.workflows.model.ChecklistState;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The work after a rollback, with deadlines (DESIGN §12): started by the run when it ends, as a
 * child that outlives it. Reminds owners before each deadline, escalates an item once when its
 * deadline passes, ticks automatic items when their checks pass, takes {@code done} from people
 * for the rest, and ends with a summary when everything is done.
 */
@WorkflowInterface
public interface ChecklistWorkflow {
  String DONE = "done";

  /**
   * What a run records among its actions once it has started its checklist; the action's detail
   * is the checklist's workflow ID, which is how the CLI and the API find a run's checklist.
   */
  String STARTED_ACTION = "checklist started";

  /**
   * What a run records among its actions when its checklist's plan has no items (none is
   * configured for its runbook, or its outcome is not in {@code after}); the detail says why.
   */
  String NONE_ACTION = "no checklist";

  @WorkflowMethod(name = "Checklist")
  ChecklistState run(ChecklistRequest request);

  @QueryMethod(name = "checklist")
  ChecklistState checklist();

  /** Ticks an item; answers with the item as it now is. */
  @UpdateMethod(name = DONE)
  ChecklistItemState done(ChecklistDone done);

  @UpdateValidatorMethod(updateName = DONE)
  void validateDone(ChecklistDone done);
}
