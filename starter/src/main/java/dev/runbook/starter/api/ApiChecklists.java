package dev.runbook.starter.api;

import dev.runbook.starter.Checklists;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import java.util.LinkedHashMap;
import java.util.Map;

/** The checklist after a run through the HTTP API, as the CLI reads and ticks it. */
public final class ApiChecklists implements Checklists {
  private final ApiWire wire;

  ApiChecklists(ApiWire wire) {
    this.wire = wire;
  }

  private static String path(String runWorkflowId) {
    return RunsApi.RUNS + "/" + ApiWire.encode(runWorkflowId) + "/checklist";
  }

  @Override
  public ChecklistState checklist(String runWorkflowId) {
    return ApiWire.read(wire.send("GET", path(runWorkflowId), null, null), ChecklistState.class);
  }

  @Override
  public ChecklistItemState done(String runWorkflowId, String item, String person, String note) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (note != null) {
      body.put("note", note);
    }
    return ApiWire.read(wire.send("POST", path(runWorkflowId) + "/" + ApiWire.encode(item) + "/done",
        ApiWire.READ.valueToTree(body), person), ChecklistItemState.class);
  }
}
