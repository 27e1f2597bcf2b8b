package dev.runbook.starter.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runbook.starter.DrillJobs;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.client.DrillStart;
import dev.runbook.starter.client.Drills;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollback drills over HTTP: {@code POST /api/v1/drills} starts one as the token's person (202,
 * with where to follow it); {@code GET /api/v1/drills/{id}/report} answers its report once it
 * ended (200), or 202 while it runs, waiting up to {@code wait} seconds for it. The drills
 * recorded in the rollback log: {@code GET /api/v1/drills} lists them newest first (optionally of
 * one staging target), {@code GET /api/v1/drills/{id}} answers one with its report. {@code POST
 * /api/v1/drills/{id}/cancel} cancels one as the token's person.
 */
final class DrillsApi {
  private static final Logger log = LoggerFactory.getLogger(DrillsApi.class);
  static final String PATH = "/api/v1/drills";
  static final String REPORT = PATH + "/{id}/report";
  static final int MAX_WAIT_SECONDS = 60;
  static final String CANCEL = PATH + "/{id}/cancel";
  private static final Pattern DRILL_ID = Drills.DRILL_ID;

  /** A drill to start; see {@link DrillStart} for each field. */
  record DrillBody(String runbook, String target, String badVersion, String brokenService, String detection,
      String limit, String sla, String approver, @JsonProperty("break") String breakWith,
      Map<String, String> alertLabels) {}

  /** A drill still under way. */
  record DrillRunning(String workflowId, String statusUrl, String message) {}

  record DrillList(List<DrillLogEntry> drills) {}

  private final DrillLog recorded;
  private final DrillJobs drills;

  DrillsApi(DrillLog recorded, DrillJobs drills) {
    this.recorded = recorded;
    this.drills = drills;
  }

  Response start(Call call) throws IOException {
    DrillBody b = call.body(DrillBody.class);
    if (b.runbook() == null) {
      throw ApiError.invalidField("runbook", "runbook is required: emergency (a service) or full (an environment)");
    }
    if (b.target() == null) {
      throw ApiError.invalidField("target", "target is required: name a staging service or environment,"
          + " e.g. {\"runbook\": \"emergency\", \"target\": \"checkout-staging\"}");
    }
    Runbooks.Started s = drills.drill(new DrillStart(b.runbook(), b.target(), b.badVersion(), b.brokenService(),
        b.detection(), b.limit(), b.sla(), b.approver(), b.breakWith(), b.alertLabels()), call.caller().name());
    log.info("{} started {} (drill of {})", call.caller().name(), s.workflowId(), b.target());
    // A drill answers no run status; its report is where it is followed.
    String url = PATH + "/" + s.workflowId() + "/report";
    return Response.json(202, new RunsApi.StartedRun(s.workflowId(), s.runId(), url, false)).withHeader("Location", url);
  }

  /** Cancels a drill as the token's person; the drill refuses when it has ended or is being cancelled. */
  Response cancel(Call call) throws IOException {
    String id = call.param("id");
    RunsApi.CancelBody b = call.body(RunsApi.CancelBody.class);
    Receipt r = drills.cancelDrill(id, call.caller().name(), RunsApi.text("reason", b.reason(), false));
    log.info("{} cancelled drill {}", call.caller().name(), id);
    return Response.json(200, r);
  }

  Response report(Call call) {
    String id = call.param("id");
    if (id == null || !DRILL_ID.matcher(id).matches()) {
      throw new ApiError(404, "unknown_run", "'" + Validation.printable(String.valueOf(id))
          + "' is not a drill ID: drill IDs look like drill-TARGET-TAG (8 hex digits)");
    }
    Map<String, String> q = call.query(Set.of("wait"));
    int wait = 0;
    if (q.containsKey("wait")) {
      try {
        wait = Integer.parseInt(q.get("wait"));
      } catch (NumberFormatException e) {
        wait = -1;
      }
      if (wait < 0 || wait > MAX_WAIT_SECONDS) {
        throw ApiError.invalidField("wait", "wait '" + Validation.printable(q.get("wait")) + "' is not a number of"
            + " seconds from 0 to " + MAX_WAIT_SECONDS);
      }
    }
    Optional<DrillReport> report = drills.report(id, Duration.ofSeconds(wait));
    if (report.isPresent()) {
      return Response.json(200, report.get());
    }
    String url = PATH + "/" + id + "/report";
    return Response.json(202, new DrillRunning(id, url, "the drill still runs: follow it with `runbook drills show " + id + "`"))
        .withHeader("Location", url);
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
      found = recorded.recent(limit, target);
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
      found = recorded.find(id);
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
