package dev.runbook.starter.client;

import dev.runbook.starter.Checklists;
import dev.runbook.workflows.ChecklistWorkflow;
import dev.runbook.workflows.model.ActionRecord;
import dev.runbook.workflows.model.ChecklistDone;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.WorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * Checklists through Temporal (the API server and the processes that host workers): the {@code
 * checklist} query and the {@code done} update of the checklist the run's latest execution started
 * (its actions name it: each run of an ID has a checklist of its own); the rollback log when
 * Temporal no longer knows the run or its checklist.
 */
public final class TemporalChecklists implements Checklists {
  private final RunbookClient runbooks;
  private final WorkflowClient client;
  private final Recorded recorded;

  public TemporalChecklists(RunbookClient runbooks, Recorded recorded) {
    this.runbooks = runbooks;
    this.client = runbooks.temporal();
    this.recorded = recorded;
  }

  /**
   * What the run's latest execution recorded of its checklist: the action that names the
   * checklist it started, or the one that says why it has none; null when Temporal does not know
   * the run or it recorded neither.
   */
  private ActionRecord checklistAction(String runWorkflowId) {
    try {
      List<ActionRecord> actions = runbooks.status(runWorkflowId).actions();
      for (int i = actions == null ? -1 : actions.size() - 1; i >= 0; i--) {
        ActionRecord a = actions.get(i);
        if ((ChecklistWorkflow.STARTED_ACTION.equals(a.action()) || ChecklistWorkflow.NONE_ACTION.equals(a.action()))
            && a.detail() != null) {
          return a;
        }
      }
    } catch (RunbookException.UnknownRun gone) {
      // Temporal has forgotten the run: the rollback log's records are all there is.
    }
    return null;
  }

  /**
   * The ID of the checklist the run's latest execution started, or {@code checklist-<run>} (which
   * no checklist has) when Temporal does not know the run or it started none.
   */
  private static String checklistId(String runWorkflowId, ActionRecord action) {
    return action != null && ChecklistWorkflow.STARTED_ACTION.equals(action.action())
        ? action.detail() : WorkflowIds.CHECKLIST_PREFIX + runWorkflowId;
  }

  @Override
  public ChecklistState checklist(String runWorkflowId) {
    ActionRecord action = checklistAction(runWorkflowId);
    String id = checklistId(runWorkflowId, action);
    if (action != null && ChecklistWorkflow.NONE_ACTION.equals(action.action())) {
      return none(id, runWorkflowId, action);
    }
    try {
      return client.newUntypedWorkflowStub(id).query("checklist", ChecklistState.class);
    } catch (WorkflowNotFoundException e) {
      return fromLog(runWorkflowId, id);
    } catch (WorkflowQueryException | WorkflowServiceException e) {
      if (notFound(e)) {
        return fromLog(runWorkflowId, id);
      }
      throw new RunbookException.Unavailable("cannot read the checklist " + id + ": " + root(e));
    }
  }

  @Override
  public ChecklistItemState done(String runWorkflowId, String item, String person, String note) {
    ActionRecord action = checklistAction(runWorkflowId);
    String id = checklistId(runWorkflowId, action);
    if (action != null && ChecklistWorkflow.NONE_ACTION.equals(action.action())) {
      throw nothingToTick(runWorkflowId, none(id, runWorkflowId, action));
    }
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    try {
      return stub.update(ChecklistWorkflow.DONE, ChecklistItemState.class, new ChecklistDone(person, item, note));
    } catch (WorkflowUpdateException e) {
      if (e.getCause() instanceof ApplicationFailure af) {
        RefusalKind.Refused refused = RefusalKind.parse(af.getOriginalMessage());
        throw new RunbookException.Refused(refused.kind(), refused.reason());
      }
      throw new RunbookException.Unavailable("cannot tick " + item + " of " + id + ": " + root(e));
    } catch (WorkflowNotFoundException e) {
      throw ended(runWorkflowId, id);
    } catch (WorkflowServiceException e) {
      if (notFound(e)) {
        throw ended(runWorkflowId, id);
      }
      throw new RunbookException.Unavailable("cannot tick " + item + " of " + id + ": " + root(e));
    }
  }

  /** Temporal answers an update to an ended workflow as if there were none: say which it is. */
  private RunbookException ended(String runWorkflowId, String id) {
    ChecklistState state;
    try {
      state = checklist(runWorkflowId);
    } catch (RunbookException.UnknownRun none) {
      return none;
    }
    return nothingToTick(runWorkflowId, state);
  }

  /** The checklist of a run that recorded why it has none. */
  private static ChecklistState none(String id, String runWorkflowId, ActionRecord action) {
    return new ChecklistState(id, runWorkflowId, ChecklistState.NONE, action.detail(), List.of());
  }

  private static RunbookException nothingToTick(String runWorkflowId, ChecklistState state) {
    return new RunbookException.Refused(RefusalKind.NOT_WAITING, "the checklist of " + runWorkflowId + " is "
        + state.status() + (state.message() == null ? "" : " (" + state.message() + ")")
        + ": there is nothing left to tick");
  }

  private ChecklistState fromLog(String runWorkflowId, String id) {
    List<ChecklistItemState> items = recorded.items(runWorkflowId);
    if (items.isEmpty()) {
      throw new RunbookException.UnknownRun(id, "no checklist for " + runWorkflowId + ": none is configured for"
          + " its runbook and outcome (checklists in runbook.yaml), it was a dry run or a drill, or the ID is"
          + " wrong: check it with `runbook list`");
    }
    String status = items.stream().allMatch(ChecklistItemState::done) ? ChecklistState.DONE : ChecklistState.CLOSED;
    return new ChecklistState(id, runWorkflowId, status, "from the rollback log", items);
  }

  private static boolean notFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkflowNotFoundException
          || t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return true;
      }
    }
    return false;
  }

  private static String root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
