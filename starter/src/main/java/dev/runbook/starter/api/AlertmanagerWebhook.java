package dev.runbook.starter.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.policy.Durations;
import dev.runbook.workflows.policy.Person;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager's webhook receiver (payload version 4). A firing alert goes to the drills that run
 * first ({@link AlertDrills}); one that no drill has to do with and that matches a route starts at
 * most one run, requested by the caller (the Alertmanager user); a route with {@code armFor}
 * starts it armed. A resolved alert disarms the run its armed route started for it (same
 * route, same fingerprint), and changes nothing otherwise. Alerts are answered one by one, so a
 * rollback that already runs is reported for that alert, not as a failed batch. When Temporal
 * cannot be reached the answer is 503, so Alertmanager sends the batch again; alerts whose run did
 * start are then reported as already running, and runs already disarmed as not armed.
 */
final class AlertmanagerWebhook {
  static final String PATH = "/api/v1/alerts/alertmanager";

  private static final Logger log = LoggerFactory.getLogger(AlertmanagerWebhook.class);

  /** Alertmanager adds fields over time (groupKey, truncatedAlerts, ...): only these are read. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Payload(String version, String status, List<Alert> alerts) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String fingerprint) {
    String alertname() {
      return labels == null ? null : labels.get("alertname");
    }

    String label(String name) {
      return labels == null ? null : labels.get(name);
    }
  }

  /**
   * What happened to one alert: started, already_running, drill_detected, drill_running, disarmed,
   * not_armed, ignored, no_route, invalid or failed.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Outcome(
      int index,
      String alertname,
      String fingerprint,
      String outcome,
      String route,
      String workflowId,
      String runId,
      String statusUrl,
      String message,
      List<String> problems,
      Boolean dryRun) {
    /** An alert that started nothing. */
    Outcome(int index, String alertname, String fingerprint, String outcome, String route, String workflowId,
        String runId, String statusUrl, String message, List<String> problems) {
      this(index, alertname, fingerprint, outcome, route, workflowId, runId, statusUrl, message, problems, null);
    }
  }

  /** @param drillDetected alerts a drill took as the detection of its break */
  record Answer(int received, int started, int disarmed, int drillDetected, List<Outcome> results) {}

  private final List<AlertRoute> routes;
  private final RunbookClient runbooks;
  private final RunsApi runs;
  private final AlertDrills drills;

  AlertmanagerWebhook(List<AlertRoute> routes, RunbookClient runbooks, RunsApi runs, AlertDrills drills) {
    this.routes = routes;
    this.runbooks = runbooks;
    this.runs = runs;
    this.drills = drills;
  }

  Response receive(Call call) throws IOException {
    Payload payload = call.body(Payload.class);
    if (!"4".equals(payload.version())) {
      throw ApiError.invalidField("version", "version '" + (payload.version() == null ? "" : Validation.printable(payload.version()))
          + "' is not supported: this receiver reads Alertmanager's webhook version 4");
    }
    if (payload.alerts() == null) {
      throw ApiError.invalidField("alerts", "alerts is required: the list of alerts in the notification");
    }
    List<Outcome> results = new ArrayList<>();
    AlertDrills.Open open = drills.open();
    boolean retry = false;
    for (int i = 0; i < payload.alerts().size(); i++) {
      Alert alert = payload.alerts().get(i);
      Outcome outcome = alert == null
          ? new Outcome(i, null, null, "invalid", null, null, null, null, "the alert is empty", null)
          : handle(i, alert, payload.status(), call.caller(), open);
      retry |= "failed".equals(outcome.outcome());
      results.add(outcome);
    }
    int started = (int) results.stream().filter(o -> o.outcome().equals("started")).count();
    int disarmed = (int) results.stream().filter(o -> o.outcome().equals("disarmed")).count();
    int detected = (int) results.stream().filter(o -> o.outcome().equals("drill_detected")).count();
    return Response.json(retry ? 503 : 200, new Answer(results.size(), started, disarmed, detected, results));
  }

  private Outcome handle(int index, Alert alert, String groupStatus, Person caller, AlertDrills.Open open) {
    String status = alert.status() == null ? groupStatus : alert.status();
    String name = alert.alertname() == null ? null : Validation.printable(alert.alertname());
    String fingerprint = alert.fingerprint() == null ? null : Validation.printable(alert.fingerprint());
    if ("resolved".equals(status)) {
      return resolved(index, alert, caller);
    }
    if (!"firing".equals(status)) {
      return new Outcome(index, name, fingerprint, "invalid", null, null, null, null,
          "status '" + (status == null ? "" : Validation.printable(status)) + "' is not firing or resolved", null);
    }
    AlertRoute route = routes.stream().filter(r -> r.matches(alert.labels())).findFirst().orElse(null);
    // A drill's break, or the detection it waits for: no run starts for it.
    Optional<AlertDrills.Verdict> drill = open.judge(
        AlertDrills.drillAlert(name, fingerprint(alert), alert.labels(), caller.name()), routeTarget(route, alert));
    if (drill.isPresent()) {
      return new Outcome(index, name, fingerprint, drill.get().outcome(), route == null ? null : route.name(),
          drill.get().drillId(), null, drill.get().url(), drill.get().message(), null);
    }
    if (route == null) {
      return new Outcome(index, name, fingerprint, "no_route", null, null, null, null,
          "no alert route matches the alert's labels", null);
    }
    RunbookRequest request;
    try {
      request = request(route, alert, caller);
    } catch (ApiError | IllegalArgumentException e) {
      return new Outcome(index, name, fingerprint, "invalid", route.name(), null, null, null, e.getMessage(), null);
    }
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      return new Outcome(index, name, fingerprint, "invalid", route.name(), null, null, null,
          "the alert does not make a valid " + request.runbook().id() + " request", problems);
    }
    try {
      Runbooks.Started s = runbooks.start(request);
      log.info("alert {} ({}) started {} through route {}", name, fingerprint, s.workflowId(), route.name());
      String note = s.dryRun() ? "a dry run: it plans and changes nothing"
          : route.armFor() != null ? "armed: the rollback goes ahead in " + Durations.human(route.armFor())
              + " unless fixed; this alert's resolved notification disarms it"
          : null;
      return new Outcome(index, name, fingerprint, "started", route.name(), s.workflowId(), s.runId(),
          RunsApi.statusUrl(s.workflowId()), note, null, s.dryRun());
    } catch (RunbookException.Conflict c) {
      return new Outcome(index, name, fingerprint, "already_running", route.name(), c.runningWorkflowId(), null,
          RunsApi.statusUrl(c.runningWorkflowId()), c.getMessage(), null);
    } catch (RunbookException e) {
      log.warn("alert {} ({}) could not start a run through route {}: {}", name, fingerprint, route.name(), e.getMessage());
      return new Outcome(index, name, fingerprint, "failed", route.name(), null, null, null, e.getMessage(), null);
    }
  }

  /** The service or environment the route would roll back for the alert; null without one. */
  private static String routeTarget(AlertRoute route, Alert alert) {
    try {
      return route == null ? null : route.type() == RunbookType.FULL
          ? target(alert, route.environment(), route.environmentLabel())
          : target(alert, route.service(), route.serviceLabel());
    } catch (IllegalArgumentException noTarget) {
      return null;
    }
  }

  /**
   * A resolved alert disarms the run its armed route started for it. The run judges: one that is
   * not armed any more (its window ended, it was disarmed, it ended) or that another alert armed
   * says so, and nothing changes.
   */
  private Outcome resolved(int index, Alert alert, Person caller) {
    String name = alert.alertname() == null ? null : Validation.printable(alert.alertname());
    String fingerprint = alert.fingerprint() == null ? null : Validation.printable(alert.fingerprint());
    AlertRoute route = routes.stream().filter(r -> r.matches(alert.labels())).findFirst().orElse(null);
    if (route == null || route.armFor() == null) {
      return new Outcome(index, name, fingerprint, "ignored", route == null ? null : route.name(), null, null, null,
          "resolved alerts do not start runs", null);
    }
    if (route.isDryRun()) {
      return new Outcome(index, name, fingerprint, "ignored", route.name(), null, null, null,
          "the route starts dry runs, which plan their armed window and do not wait: nothing to disarm", null);
    }
    String workflowId;
    try {
      workflowId = route.type() == RunbookType.FULL
          ? WorkflowIds.forEnvironment(target(alert, route.environment(), route.environmentLabel()))
          : WorkflowIds.forService(target(alert, route.service(), route.serviceLabel()));
    } catch (IllegalArgumentException e) {
      return new Outcome(index, name, fingerprint, "invalid", route.name(), null, null, null, e.getMessage(), null);
    }
    if (!WorkflowIds.isRunId(workflowId)) {
      return new Outcome(index, name, fingerprint, "invalid", route.name(), null, null, null,
          "the alert's labels do not name a run: '" + Validation.printable(workflowId) + "'", null);
    }
    String url = RunsApi.statusUrl(workflowId);
    try {
      Receipt r = runbooks.disarmByAlert(workflowId, caller.name(), armingAlert(route, alert));
      log.info("resolved alert {} ({}) disarmed {} through route {}", name, fingerprint, workflowId, route.name());
      return new Outcome(index, name, fingerprint, "disarmed", route.name(), workflowId, null, url, r.message(), null);
    } catch (RunbookException.Refused | RunbookException.UnknownRun notArmed) {
      String why = notArmed instanceof RunbookException.UnknownRun
          ? "there is no run " + workflowId + " to disarm"
          : notArmed.getMessage();
      return new Outcome(index, name, fingerprint, "not_armed", route.name(), workflowId, null, url,
          "the resolved alert changes nothing: " + why, null);
    } catch (RunbookException e) {
      log.warn("resolved alert {} ({}) could not reach {}: {}", name, fingerprint, workflowId, e.getMessage());
      return new Outcome(index, name, fingerprint, "failed", route.name(), workflowId, null, url, e.getMessage(), null);
    }
  }

  /** The alert as the run it arms keeps it: the route, its name, and its fingerprint (or a digest of its labels). */
  static AlertRef armingAlert(AlertRoute route, Alert alert) {
    String name = alert.alertname() == null ? null : Validation.printable(alert.alertname());
    return new AlertRef(route.name(), name == null || name.length() > 200 ? null : name, fingerprint(alert));
  }

  /** The alert's fingerprint, or a digest of its labels when it has none that fits. */
  static String fingerprint(Alert alert) {
    String fingerprint = alert.fingerprint();
    return fingerprint == null || !AlertRef.FINGERPRINT.matcher(fingerprint).matches()
        ? "labels-" + labelsDigest(alert.labels()) : fingerprint;
  }

  private static String labelsDigest(Map<String, String> labels) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(labels == null ? Map.of() : labels).forEach((k, v) -> b.append(k).append('\0').append(v).append('\0'));
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The request the route makes of this alert; a missing label or a bad severity is refused. */
  private RunbookRequest request(AlertRoute route, Alert alert, Person caller) {
    Severity severity = Severity.parse(route.severity() != null ? route.severity() : fromLabel(alert, route.severityLabel()));
    String reason = reason(route, alert);
    AlertRef arming = route.armFor() == null ? null : armingAlert(route, alert);
    return switch (route.type()) {
      case EMERGENCY -> new EmergencyRollbackRequest(
          target(alert, route.service(), route.serviceLabel()), severity, reason, caller.name(), route.isDryRun(),
          null, null, false, null, null, null, null, false, route.armFor(), arming, false, false);
      case DATABASE -> new DatabaseRollbackRequest(
          target(alert, route.service(), route.serviceLabel()), null, severity, reason, caller.name(),
          route.isDryRun(), null, null, null, null, null, null, null, null, null);
      case FULL -> runs.complete(new FullRollbackRequest(
          target(alert, route.environment(), route.environmentLabel()), null, null, severity, reason,
          caller.name(), route.isDryRun(), null, null, null, null, false, route.armFor(), arming));
      case BACKUP, CLEANUP -> throw new IllegalArgumentException("a route starts a rollback runbook, not a "
          + route.type().id());
    };
  }

  private static String target(Alert alert, String fixed, String label) {
    return fixed != null ? fixed : fromLabel(alert, label);
  }

  private static String fromLabel(Alert alert, String label) {
    String value = alert.label(label);
    if (value == null) {
      throw new IllegalArgumentException("the alert has no label '" + label + "', which the route reads");
    }
    return value;
  }

  private static String reason(AlertRoute route, Alert alert) {
    String name = alert.alertname() == null ? "alert" : alert.alertname();
    String text = alert.annotations() == null ? null : alert.annotations().get(route.reasonAnnotationName());
    String reason = text == null || text.isBlank() ? "alert " + name + " is firing" : name + ": " + text.strip();
    int max = Validation.MAX_REASON;
    return reason.length() <= max ? reason : reason.substring(0, max - 3) + "...";
  }
}
