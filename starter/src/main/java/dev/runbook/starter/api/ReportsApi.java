package dev.runbook.starter.api;

import dev.runbook.starter.IncidentReports;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.starter.report.ReportMarkdown;
import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's incident report: JSON, or Markdown with {@code ?format=markdown} or {@code Accept:
 * text/markdown}. Built from the rollback log; while the log has no end for the run, its live
 * status from Temporal is added (and left out, not guessed, when Temporal no longer knows it).
 */
final class ReportsApi {
  static final String MARKDOWN = "text/markdown; charset=utf-8";

  private static final Logger log = LoggerFactory.getLogger(ReportsApi.class);

  private final IncidentReports reports;
  private final Runbooks runbooks;
  private final Clock clock;

  ReportsApi(IncidentReports reports, Runbooks runbooks, Clock clock) {
    this.reports = reports;
    this.runbooks = runbooks;
    this.clock = clock;
  }

  Response report(Call call) {
    String id = RunsApi.runId(call);
    Map<String, String> q = call.query(Set.of("format"));
    boolean markdown = switch (q.getOrDefault("format", "")) {
      case "markdown" -> true;
      case "json" -> false;
      case "" -> {
        String accept = call.header("Accept");
        yield accept != null && accept.contains("text/markdown");
      }
      default -> throw ApiError.invalidField("format", "format '" + Validation.printable(q.get("format"))
          + "' is not known: use json or markdown");
    };
    IncidentReport report;
    try {
      report = reports.incidentReport(id).orElseThrow(() -> new ApiError(404, "unknown_run", "the rollback log has no run '"
          + id + "': `runbook log` (GET " + RunsApi.RUNS + ") lists the runs it has, with their workflow IDs"));
    } catch (ApiError e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("cannot build the incident report of {}", id, e);
      throw new ApiError(503, "unavailable", "the rollback log cannot be read right now: see the server log");
    }
    if (report.finishedAt() == null) {
      report = withLive(report);
    }
    if (markdown) {
      return new Response(200, MARKDOWN, ReportMarkdown.render(report).getBytes(StandardCharsets.UTF_8), Map.of());
    }
    return Response.json(200, report);
  }

  /** The run's status from Temporal, for a run the log has not seen end; none when Temporal cannot say. */
  private IncidentReport withLive(IncidentReport report) {
    try {
      RunStatus s = runbooks.status(report.workflowId());
      return report.withLive(new IncidentReport.Live(s.phase() == null ? null : s.phase().label(), s.currentStep(),
          s.waitingFor(), clock.instant()));
    } catch (RunbookException e) {
      log.info("no live status for the report of {}: {}", report.workflowId(), e.getMessage());
      return report;
    }
  }
}
