package dev.runbook.starter.api;

import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.policy.Person;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting runs, reading them and acting on them. The acting person is always the token's: a
 * request body cannot name someone else. Votes are not judged here; the run decides whether a
 * vote counts and says why not, and that answer goes back to the caller as it is.
 */
final class RunsApi {
  static final String RUNS = "/api/v1/runs";
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private static final Logger log = LoggerFactory.getLogger(RunsApi.class);

  /** The answer to a start; {@code dryRun} marks a plan that changes and holds nothing. */
  record StartedRun(String workflowId, String runId, String statusUrl, boolean dryRun) {}

  record RunList(List<RollbackLogEntry> runs) {}

  record ApproveBody(String comment, String planHash) {}

  record RejectBody(String reason) {}

  record DecideBody(DecisionAction action, String comment) {}

  record CancelBody(String reason) {}

  record DisarmBody(String reason) {}

  private final RunbookClient runbooks;
  private final RollbackLog rollbackLog;
  private final Map<String, ApiSettings.Environment> environments;

  RunsApi(RunbookClient runbooks, RollbackLog rollbackLog, Map<String, ApiSettings.Environment> environments) {
    this.runbooks = runbooks;
    this.rollbackLog = rollbackLog;
    this.environments = environments;
  }

  static String statusUrl(String workflowId) {
    return RUNS + "/" + workflowId;
  }

  Response startEmergency(Call call) throws IOException {
    EmergencyRollbackRequest b = call.body(EmergencyRollbackRequest.class);
    noArmingAlert(b);
    return start(new EmergencyRollbackRequest(
        b.service(), b.severity(), b.reason(), requester(b.requestedBy(), call.caller()), b.dryRun(),
        b.incidentId(), b.toVersion(), b.withDatabase(), b.database(), b.toMigration(), b.monitorFor(),
        b.notBefore(), b.force(), b.armFor(), null, b.configOnly(), b.withConfig()));
  }

  Response startDatabase(Call call) throws IOException {
    DatabaseRollbackRequest b = call.body(DatabaseRollbackRequest.class);
    return start(new DatabaseRollbackRequest(
        b.service(), b.database(), b.severity(), b.reason(), requester(b.requestedBy(), call.caller()),
        b.dryRun(), b.incidentId(), b.mode(), b.strategy(), b.toMigration(), b.steps(), b.backupId(),
        b.dataCorrupted(), b.stopServices(), b.notBefore(), b.crossRestore(), b.backupFile()));
  }

  Response startFull(Call call) throws IOException {
    FullRollbackRequest b = call.body(FullRollbackRequest.class);
    noArmingAlert(b);
    return start(complete(new FullRollbackRequest(
        b.environment(), b.services(), b.databases(), b.severity(), b.reason(),
        requester(b.requestedBy(), call.caller()), b.dryRun(), b.incidentId(), b.toVersions(),
        b.toMigrations(), b.notBefore(), b.force(), b.armFor(), null)));
  }

  /**
   * Fills in the environment's services and databases where the request leaves them out. An
   * environment that is not configured is refused naming the known ones.
   */
  FullRollbackRequest complete(FullRollbackRequest r) {
    String env = r.environment();
    if (env == null || !Validation.NAME.matcher(env).matches()) {
      return r; // the request's own validation names the problem
    }
    ApiSettings.Environment configured = environments.get(env);
    if (configured == null) {
      throw ApiError.invalidField("environment", "environment '" + env + "' is not configured: known are "
          + AlertRoute.known(environments.keySet()));
    }
    // The record reads an omitted services list as empty; either way the environment's apply.
    return new FullRollbackRequest(
        env,
        r.services().isEmpty() ? configured.services() : r.services(),
        r.databases() == null ? configured.databases() : r.databases(),
        r.severity(), r.reason(), r.requestedBy(), r.dryRun(), r.incidentId(), r.toVersions(),
        r.toMigrations(), r.notBefore(), r.force(), r.armFor(), r.armingAlert());
  }

  /** Only the Alertmanager webhook names the alert that arms a run: its resolution disarms the run. */
  private static void noArmingAlert(RunbookRequest b) {
    if (b.armingAlert() != null) {
      throw ApiError.invalidField("armingAlert", "armingAlert is set by the Alertmanager webhook only: leave it"
          + " out (armFor arms the run; runbook disarm or cancel stops it)");
    }
  }

  private static String requester(String requestedBy, Person caller) {
    if (requestedBy != null && !requestedBy.equals(caller.name())) {
      throw ApiError.invalidField("requestedBy", "requestedBy is taken from your token (you are "
          + caller.name() + "): leave it out");
    }
    return caller.name();
  }

  private Response start(RunbookRequest request) {
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      throw ApiError.badRequest("invalid " + request.runbook().id() + " request: " + String.join("; ", problems))
          .with("problems", problems);
    }
    try {
      Runbooks.Started s = runbooks.start(request);
      log.info("{} started {} ({} {}{})", request.requestedBy(), s.workflowId(), request.runbook().id(),
          request.severity(), s.dryRun() ? ", dry run" : "");
      String url = statusUrl(s.workflowId());
      return Response.json(201, new StartedRun(s.workflowId(), s.runId(), url, s.dryRun()))
          .withHeader("Location", url);
    } catch (RunbookException.Conflict c) {
      throw conflict(c);
    }
  }

  private static ApiError conflict(RunbookException.Conflict c) {
    return new ApiError(409, c.code(), c.getMessage())
        .with("workflowId", c.runningWorkflowId())
        .with("statusUrl", statusUrl(c.runningWorkflowId()));
  }

  /** The {@code limit} query parameter: 1 to {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent. */
  static int limit(Map<String, String> q) {
    int limit = DEFAULT_LIMIT;
    if (q.containsKey("limit")) {
      try {
        limit = Integer.parseInt(q.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.invalidField("limit", "limit '" + Validation.printable(q.get("limit"))
            + "' is out of range: use 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")");
      }
    }
    return limit;
  }

  Response list(Call call) {
    Map<String, String> q = call.query(Set.of("service", "open", "limit", "drills", "format"));
    boolean markdown = switch (q.getOrDefault("format", "json")) {
      case "json" -> false;
      case "markdown" -> true;
      default -> throw ApiError.invalidField("format", "format '" + Validation.printable(q.get("format"))
          + "' is not known: use json or markdown (the rollback log as a Markdown table)");
    };
    String service = q.get("service");
    if (service != null && !Validation.NAME.matcher(service).matches()) {
      throw ApiError.invalidField("service", "service '" + Validation.printable(service)
          + "' is not a valid name: use lower-case letters, digits, '.', '_' or '-'");
    }
    boolean open = switch (q.getOrDefault("open", "false")) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiError.invalidField("open", "open must be true or false");
    };
    boolean drills = switch (q.getOrDefault("drills", "true")) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiError.invalidField("drills", "drills must be true or false (false leaves out the runs drills started)");
    };
    int limit = limit(q);
    List<RollbackLogEntry> runs;
    try {
      runs = rollbackLog.recent(limit, service, open, drills);
    } catch (RuntimeException e) {
      log.error("cannot read the rollback log", e);
      throw new ApiError(503, "unavailable", "the rollback log cannot be read right now: see the server log");
    }
    if (markdown) {
      return new Response(200, ReportsApi.MARKDOWN,
          dev.runbook.starter.report.LogMarkdown.render(runs).getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
    }
    return Response.json(200, new RunList(runs));
  }

  Response status(Call call) {
    return Response.json(200, runbooks.status(runId(call)));
  }

  Response approve(Call call) throws IOException {
    String id = runId(call);
    ApproveBody b = call.body(ApproveBody.class);
    return act(id, () -> runbooks.approve(id, call.caller().name(), text("comment", b.comment(), false),
        planHash(b.planHash())));
  }

  Response reject(Call call) throws IOException {
    String id = runId(call);
    RejectBody b = call.body(RejectBody.class);
    return act(id, () -> runbooks.reject(id, call.caller().name(), text("reason", b.reason(), true)));
  }

  Response decide(Call call) throws IOException {
    String id = runId(call);
    DecideBody b = call.body(DecideBody.class);
    if (b.action() == null) {
      throw ApiError.invalidField("action", "action is required: use retry, skip, compensate or abort");
    }
    return act(id, () -> runbooks.decide(id, b.action(), call.caller().name(), text("comment", b.comment(), false)));
  }

  Response cancel(Call call) throws IOException {
    String id = runId(call);
    CancelBody b = call.body(CancelBody.class);
    return act(id, () -> runbooks.cancel(id, call.caller().name(), text("reason", b.reason(), false)));
  }

  Response disarm(Call call) throws IOException {
    String id = runId(call);
    DisarmBody b = call.body(DisarmBody.class);
    return act(id, () -> runbooks.disarm(id, call.caller().name(), text("reason", b.reason(), false)));
  }

  /** Sends an action to a run; a run that has ended answers 409 saying how it ended (the client finds out). */
  private Response act(String id, Supplier<Receipt> action) {
    return Response.json(200, action.get());
  }

  /** The run ID from the path, checked against the shapes of run IDs before it goes anywhere. */
  static String runId(Call call) {
    String id = call.param("id");
    if (id != null && id.startsWith(WorkflowIds.DRILL_PREFIX) && !WorkflowIds.isRunId(id)
        && id.length() <= 200) {
      throw new ApiError(404, "unknown_run", "'" + Validation.printable(id) + "' is a drill, not a run: its"
          + " progress and report are at `runbook drills show " + Validation.printable(id) + "` (GET /api/v1/drills/"
          + Validation.printable(id) + ")");
    }
    if (!WorkflowIds.isRunId(id)) {
      throw new ApiError(404, "unknown_run", "'" + Validation.printable(id)
          + "' is not a run ID: run IDs look like " + WorkflowIds.SHAPES + " (see GET " + RUNS + ")");
    }
    return id;
  }

  /** A plan hash as runs show it: 12 to 64 lower-case hex digits, or absent. */
  static String planHash(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (!value.matches("[0-9a-f]{12,64}")) {
      throw ApiError.invalidField("planHash", "planHash is not a plan hash: pass the hash the run shows"
          + " under pendingApproval.planHash (hex digits), or leave it out");
    }
    return value;
  }

  static String text(String field, String value, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        throw ApiError.invalidField(field, field + " is required: say why");
      }
      return null;
    }
    if (value.length() > Validation.MAX_REASON) {
      throw ApiError.invalidField(field, field + " is " + value.length() + " characters: keep it under "
          + Validation.MAX_REASON);
    }
    return value;
  }
}
