package dev.runbook.starter.api;

import dev.runbook.starter.DrillLog;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drills recorded in the rollback log: {@code GET /api/v1/drills} lists them newest first
 * (optionally of one staging target), {@code GET /api/v1/drills/{id}} answers one with its report.
 */
final class DrillsApi {
  static final String PATH = "/api/v1/drills";

  private static final Logger log = LoggerFactory.getLogger(DrillsApi.class);

  record DrillList(List<DrillLogEntry> drills) {}

  private final DrillLog drills;

  DrillsApi(DrillLog drills) {
    this.drills = drills;
  }

  Response list(Call call) {
    Map<String, String> q = call.query(Set.of("target", "limit"));
    String target = q.get("target");
    if (target != null && !Validation.NAME.matcher(target).matches()) {
      throw ApiError.invalidField("target", "target '" + Validation.printable(target)
          + "' is not a valid name: use a staging target's name (lower-case letters, digits, '.', '_' or '-')");
    }
    int limit = RunsApi.limit(q);
    List<DrillLogEntry> found;
    try {
      found = drills.recent(limit, target);
    } catch (RuntimeException e) {
      log.error("cannot read the drills", e);
      throw new ApiError(503, "unavailable", "the drills cannot be read right now: see the server log");
    }
    return Response.json(200, new DrillList(found));
  }

  Response find(Call call) {
    String id = call.param("id");
    if (id == null || !id.startsWith(WorkflowIds.DRILL_PREFIX) || id.length() > 200) {
      throw unknown(id);
    }
    Optional<DrillLogEntry> found;
    try {
      found = drills.find(id);
    } catch (RuntimeException e) {
      log.error("cannot read drill {}", Validation.printable(id), e);
      throw new ApiError(503, "unavailable", "the drills cannot be read right now: see the server log");
    }
    return Response.json(200, found.orElseThrow(() -> unknown(id)));
  }

  private static ApiError unknown(String id) {
    return new ApiError(404, "unknown_drill", "no drill '" + Validation.printable(id)
        + "' in the rollback log: drill IDs look like drill-TARGET-TAG (see GET " + PATH + ")")
        .with("workflowId", id);
  }
}
