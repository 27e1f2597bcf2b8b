package dev.runbook.starter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillJobs;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.IncidentReports;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.DrillStart;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API from the caller's side: what the CLI uses to act, so that every act carries
 * proof of who acts (a bearer token, or a local dev's own secret with the name it trusts) and is
 * checked by the API server, never by the caller. Errors come back as the same {@link
 * RunbookException}s, with the exit codes the CLI documents. Runs, the rollback log and the
 * release ledger are here; drills are {@link #drills()}, backups {@link #backups()}, and this
 * client answers for them too, so one object serves every command.
 */
public final class ApiClient implements Runbooks, RollbackLog, DrillLog, Releases, BackupList, BackupImports,
    BackupJobs, DrillJobs, IncidentReports {
  /** The header that names the acting person (trusted only with a local dev's secret). */
  public static final String AS_HEADER = "X-Runbook-As";
  /** The header with the fingerprint of the configuration the workers run. */
  public static final String CONFIG_HEADER = "X-Runbook-Config";

  /**
   * How the caller proves who they are.
   *
   * @param token the person's API token, or a local dev's secret
   * @param localDev true when {@code token} is a local dev's secret: then the name sent with each
   *     act is trusted (only that dev's API accepts it)
   * @param defaultPerson the name to act as in a local dev when none is given, or null
   */
  public record Credentials(String token, boolean localDev, String defaultPerson) {
    @Override
    public String toString() {
      return "Credentials[" + (localDev ? "local dev" : "token") + "]";
    }
  }

  private final ApiWire wire;
  private final ApiDrills drills;
  private final ApiBackups backups;
  private final ApiChecklists checklists;

  public ApiClient(URI base, Credentials credentials) {
    this(base, credentials, null);
  }

  /**
   * @param tls what an https API is trusted by ({@link #trusting}); null: the system trust store
   */
  public ApiClient(URI base, Credentials credentials, javax.net.ssl.SSLContext tls) {
    this.wire = new ApiWire(base, credentials, tls);
    this.drills = new ApiDrills(wire);
    this.backups = new ApiBackups(wire);
    this.checklists = new ApiChecklists(wire);
  }

  /**
   * Trust for an https API: the CA certificates in {@code caPem} (api.tls.ca; for a self-signed
   * certificate, the certificate itself), or the system trust store when null.
   *
   * @throws IllegalArgumentException when the file holds no readable certificate (naming it)
   */
  public static javax.net.ssl.SSLContext trusting(java.nio.file.Path caPem) {
    return TlsFiles.clientContext(caPem, "api.tls.ca");
  }

  public URI base() {
    return wire.base();
  }

  /** The fingerprint of the configuration the workers run, as the last answer said; null before one. */
  public String workersConfig() {
    return wire.workersConfig();
  }

  /** Drills: start, cancel, report, and the drills recorded. */
  public ApiDrills drills() {
    return drills;
  }

  /** The checklist after a run: read it, tick an item. */
  public ApiChecklists checklists() {
    return checklists;
  }

  /** Backups: take, import, prune, and the backups recorded. */
  public ApiBackups backups() {
    return backups;
  }

  // ---------------------------------------------------------------- runs

  @Override
  public Started start(RunbookRequest request) {
    if (!request.runbook().rollback()) {
      throw new IllegalArgumentException("a " + request.runbook().id() + " is started with backup() or prune()");
    }
    ObjectNode body = Json.MAPPER.valueToTree(request);
    body.remove("requestedBy");
    JsonNode answer = wire.send("POST", "/api/v1/runs/" + request.runbook().id(), body, request.requestedBy());
    return new Started(answer.path("workflowId").asText(), answer.path("runId").asText(null),
        answer.path("dryRun").asBoolean(request.dryRun()));
  }

  @Override
  public RunStatus status(String workflowId) {
    return ApiWire.read(wire.send("GET", "/api/v1/runs/" + workflowId, null, null), RunStatus.class);
  }

  @Override
  public Receipt approve(String workflowId, String person, String comment, String planHash) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (comment != null) {
      body.put("comment", comment);
    }
    if (planHash != null) {
      body.put("planHash", planHash);
    }
    return ApiWire.read(wire.send("POST", "/api/v1/runs/" + workflowId + "/approve", ApiWire.READ.valueToTree(body),
        person), Receipt.class);
  }

  @Override
  public Receipt reject(String workflowId, String person, String reason) {
    return act(workflowId, "reject", person, "reason", reason);
  }

  @Override
  public Receipt decide(String workflowId, DecisionAction action, String person, String comment) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("action", action.label());
    if (comment != null) {
      body.put("comment", comment);
    }
    return ApiWire.read(wire.send("POST", "/api/v1/runs/" + workflowId + "/decide", ApiWire.READ.valueToTree(body),
        person), Receipt.class);
  }

  @Override
  public Receipt cancel(String workflowId, String person, String reason) {
    return act(workflowId, "cancel", person, "reason", reason);
  }

  @Override
  public Receipt disarm(String workflowId, String person, String reason) {
    return act(workflowId, "disarm", person, "reason", reason);
  }

  private Receipt act(String workflowId, String action, String person, String field, String text) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (text != null) {
      body.put(field, text);
    }
    return ApiWire.read(wire.send("POST", "/api/v1/runs/" + workflowId + "/" + action, ApiWire.READ.valueToTree(body),
        person), Receipt.class);
  }

  // ---------------------------------------------------------------- the rollback log and the ledger

  @Override
  public List<RollbackLogEntry> recent(int limit, String service, boolean openOnly, boolean drills) {
    StringBuilder q = new StringBuilder("?limit=").append(ApiWire.limit(limit));
    if (service != null) {
      q.append("&service=").append(ApiWire.encode(service));
    }
    if (openOnly) {
      q.append("&open=true");
    }
    if (!drills) {
      q.append("&drills=false");
    }
    JsonNode runs = wire.send("GET", RunsApi.RUNS + q, null, null).path("runs");
    List<RollbackLogEntry> out = new ArrayList<>();
    runs.forEach(r -> out.add(ApiWire.read(r, RollbackLogEntry.class)));
    return out;
  }

  /**
   * The run's incident report as the API builds it (with the live status of a run still going).
   * A run the rollback log does not have is thrown as {@link RunbookException.UnknownRun} in the
   * API's words, never answered empty.
   */
  @Override
  public Optional<IncidentReport> incidentReport(String workflowId) {
    return Optional.of(ApiWire.read(wire.send("GET", RunsApi.RUNS + "/" + ApiWire.encode(workflowId) + "/report",
        null, null), IncidentReport.class));
  }

  @Override
  public Recorded record(String service, String version, String schemaVersion, boolean verified, String key, String by) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", service);
    body.put("version", version);
    if (schemaVersion != null) {
      body.put("schemaVersion", schemaVersion);
    }
    body.put("verified", verified);
    if (key != null) {
      body.put("key", key);
    }
    ApiWire.Answer a = wire.exchange("POST", ReleasesApi.DEPLOYS, ApiWire.READ.valueToTree(body), by);
    return new Recorded(ApiWire.read(a.body(), Release.class), a.status() == 201);
  }

  @Override
  public List<Release> history(String service, int limit) {
    JsonNode list = wire.send("GET", ReleasesApi.RELEASES + "?service=" + ApiWire.encode(service)
        + "&limit=" + ApiWire.limit(limit), null, null).path("releases");
    List<Release> out = new ArrayList<>();
    list.forEach(r -> out.add(ApiWire.read(r, Release.class)));
    return out;
  }

  // ---------------------------------------------------------------- drills and backups, answered by their own clients

  @Override
  public Started drill(DrillStart start, String person) {
    return drills.drill(start, person);
  }

  @Override
  public Receipt cancelDrill(String workflowId, String person, String reason) {
    return drills.cancelDrill(workflowId, person, reason);
  }

  @Override
  public Optional<DrillReport> report(String workflowId, Duration wait) {
    return drills.report(workflowId, wait);
  }

  @Override
  public List<DrillLogEntry> recent(int limit, String target) {
    return drills.recent(limit, target);
  }

  @Override
  public Optional<DrillLogEntry> find(String workflowId) {
    return drills.find(workflowId);
  }

  @Override
  public Started backup(String database, String reason, String person) {
    return backups.backup(database, reason, person);
  }

  @Override
  public Pruned prune(String database, boolean dryRun, String person) {
    return backups.prune(database, dryRun, person);
  }

  @Override
  public List<BackupRecord> recent(String database, int limit) {
    return backups.recent(database, limit);
  }

  @Override
  public ImportResult importBackup(String database, String file, String person) {
    return backups.importBackup(database, file, person);
  }
}
