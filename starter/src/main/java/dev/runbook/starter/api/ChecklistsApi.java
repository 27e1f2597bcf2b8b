package dev.runbook.starter.api;

import dev.runbook.starter.Checklists;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import java.io.IOException;

/**
 * The checklist after a run: read it, tick an item. The ticking person is always the token's; the
 * checklist judges whether they may (owner role, or the role the item escalated to) and says why
 * not, and that answer goes back as it is.
 */
final class ChecklistsApi {
  static final String PATH = RunsApi.RUNS + "/{id}/checklist";
  static final String DONE = PATH + "/{item}/done";

  record DoneBody(String note) {}

  private final Checklists checklists;

  ChecklistsApi(Checklists checklists) {
    this.checklists = checklists;
  }

  Response checklist(Call call) {
    return Response.json(200, checklists.checklist(runId(call)));
  }

  Response done(Call call) throws IOException {
    String id = runId(call);
    String item = call.param("item");
    if (item == null || item.isBlank() || item.length() > 100) {
      throw ApiError.invalidField("item", "name the item, as `runbook checklist " + id + "` lists it");
    }
    DoneBody b = call.body(DoneBody.class);
    return Response.json(200, checklists.done(id, item, call.caller().name(), RunsApi.text("note", b.note(), false)));
  }

  private static String runId(Call call) {
    String id = call.param("id");
    if (!WorkflowIds.isRunId(id)) {
      throw new ApiError(404, "unknown_run", "'" + Validation.printable(id)
          + "' is not a run ID: run IDs look like " + WorkflowIds.SHAPES + " (see GET " + RunsApi.RUNS + ")");
    }
    return id;
  }
}
