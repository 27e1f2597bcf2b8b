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
   * The ID of the checklist the run's latest execution started, or {@code checklist-<run>} (which
   * no checklist has) when Temporal does not know the run or it started none.
   */
  private String checklistId(String runWorkflowId) {
    try {
      List<ActionRecord> actions = runbooks.status(runWorkflowId).actions();
      for (int i = actions == null ? -1 : actions.size() - 1; i >= 0; i--) {
        if (ChecklistWorkflow.STARTED_ACTION.equals(actions.get(i).action()) && actions.get(i).detail() != null) {
          return actions.get(i).detail();
        }
      }
    } catch (RunbookException.UnknownRun gone) {
      // Temporal has forgotten the run: the rollback log's records are all there is.
    }
    return WorkflowIds.CHECKLIST_PREFIX + runWorkflowId;
  }

  @Override
  public ChecklistState checklist(String runWorkflowId) {
    String id = checklistId(runWorkflowId);
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
    String id = checklistId(runWorkflowId);
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
