package dev.runbook.starter.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.client.ImportClient;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.RunbookType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
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
 * RunbookException}s, with the exit codes the CLI documents.
 */
public final class ApiClient implements Runbooks, RollbackLog, DrillLog, Releases, BackupList, BackupImports,
    BackupJobs, dev.runbook.starter.DrillJobs {
  /** The header that names the acting person (trusted only with a local dev's secret). */
  public static final String AS_HEADER = "X-Runbook-As";
  /** The header with the fingerprint of the configuration the workers run. */
  public static final String CONFIG_HEADER = "X-Runbook-Config";

  private static final ObjectMapper READ = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new SimpleModule("runbook-labels").addDeserializer(RunbookType.class, new RunbookTypeReader()))
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

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

  private final URI base;
  private final Credentials credentials;
  private final HttpClient http;
  private volatile String workersConfig;

  public ApiClient(URI base, Credentials credentials) {
    this.base = base;
    this.credentials = credentials;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public URI base() {
    return base;
  }

  /** The fingerprint of the configuration the workers run, as the last answer said; null before one. */
  public String workersConfig() {
    return workersConfig;
  }

  // ---------------------------------------------------------------- runs

  @Override
  public Started start(RunbookRequest request) {
    if (!request.runbook().rollback()) {
      throw new IllegalArgumentException("a " + request.runbook().id() + " is started with backup() or prune()");
    }
    ObjectNode body = Json.MAPPER.valueToTree(request);
    body.remove("requestedBy");
    JsonNode answer = send("POST", "/api/v1/runs/" + request.runbook().id(), body, request.requestedBy(), null);
    return new Started(answer.path("workflowId").asText(), answer.path("runId").asText(null),
        answer.path("dryRun").asBoolean(request.dryRun()));
  }

  @Override
  public RunStatus status(String workflowId) {
    return read(send("GET", "/api/v1/runs/" + workflowId, null, null, workflowId), RunStatus.class);
  }

  @Override
  public Receipt approve(String workflowId, String person, String comment) {
    return act(workflowId, "approve", person, "comment", comment);
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
    return read(send("POST", "/api/v1/runs/" + workflowId + "/decide", READ.valueToTree(body), person, workflowId),
        Receipt.class);
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
    return read(send("POST", "/api/v1/runs/" + workflowId + "/" + action, READ.valueToTree(body), person, workflowId),
        Receipt.class);
  }

  // ---------------------------------------------------------------- backups

  @Override
  public Started backup(String database, String reason, String person) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("database", database);
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode answer = send("POST", BackupsApi.PATH, READ.valueToTree(body), person, null);
    return new Started(answer.path("workflowId").asText(), answer.path("runId").asText(null), false);
  }

  @Override
  public Started drill(dev.runbook.starter.client.DrillStart start, String person) {
    JsonNode answer = send("POST", DrillsApi.PATH, READ.valueToTree(start), person, null);
    return new Started(answer.path("workflowId").asText(), answer.path("runId").asText(null), false);
  }

  @Override
  public java.util.Optional<dev.runbook.workflows.model.DrillReport> report(String workflowId, Duration wait) {
    long until = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = Math.max(0, (until - System.nanoTime()) / 1_000_000_000L);
      int seconds = (int) Math.min(DrillsApi.MAX_WAIT_SECONDS, left);
      Answer a = exchange("GET", DrillsApi.PATH + "/" + encode(workflowId) + "/report?wait=" + seconds, null, null,
          Duration.ofSeconds(seconds + 30L));
      if (a.status() == 200) {
        return java.util.Optional.of(read(a.body(), dev.runbook.workflows.model.DrillReport.class));
      }
      if (left <= 0) {
        return java.util.Optional.empty();
      }
    }
  }

  @Override
  public Pruned prune(String database, boolean dryRun, String person) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (database != null) {
      body.put("database", database);
    }
    body.put("dryRun", dryRun);
    return read(send("POST", BackupsApi.PRUNE, READ.valueToTree(body), person, null), Pruned.class);
  }

  // ---------------------------------------------------------------- the rollback log and the ledger

  @Override
  public List<RollbackLogEntry> recent(int limit, String service, boolean openOnly, boolean drills) {
    StringBuilder q = new StringBuilder("?limit=").append(Math.max(1, Math.min(limit, RunsApi.MAX_LIMIT)));
    if (service != null) {
      q.append("&service=").append(encode(service));
    }
    if (openOnly) {
      q.append("&open=true");
    }
    if (!drills) {
      q.append("&drills=false");
    }
    JsonNode runs = send("GET", RunsApi.RUNS + q, null, null, null).path("runs");
    List<RollbackLogEntry> out = new ArrayList<>();
    runs.forEach(r -> out.add(read(r, RollbackLogEntry.class)));
    return out;
  }

  @Override
  public List<DrillLogEntry> recent(int limit, String target) {
    JsonNode list = send("GET", DrillsApi.PATH + "?limit=" + Math.max(1, Math.min(limit, RunsApi.MAX_LIMIT))
        + (target == null ? "" : "&target=" + encode(target)), null, null, null).path("drills");
    List<DrillLogEntry> out = new ArrayList<>();
    list.forEach(d -> out.add(read(d, DrillLogEntry.class)));
    return out;
  }

  @Override
  public Optional<DrillLogEntry> find(String workflowId) {
    try {
      return Optional.of(read(send("GET", DrillsApi.PATH + "/" + encode(workflowId), null, null, null),
          DrillLogEntry.class));
    } catch (RunbookException.UnknownRun unknown) {
      return Optional.empty();
    }
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
    Answer a = exchange("POST", ReleasesApi.DEPLOYS, READ.valueToTree(body), by);
    return new Recorded(read(a.body(), Release.class), a.status() == 201);
  }

  @Override
  public List<Release> history(String service, int limit) {
    JsonNode list = send("GET", ReleasesApi.RELEASES + "?service=" + encode(service)
        + "&limit=" + Math.max(1, Math.min(limit, RunsApi.MAX_LIMIT)), null, null, null).path("releases");
    List<Release> out = new ArrayList<>();
    list.forEach(r -> out.add(read(r, Release.class)));
    return out;
  }

  @Override
  public List<BackupRecord> recent(String database, int limit) {
    JsonNode list = send("GET", BackupsApi.PATH + "?limit=" + Math.max(1, Math.min(limit, RunsApi.MAX_LIMIT))
        + (database == null ? "" : "&database=" + encode(database)), null, null, null).path("backups");
    List<BackupRecord> out = new ArrayList<>();
    list.forEach(b -> out.add(read(b, BackupRecord.class)));
    return out;
  }

  @Override
  public ImportResult importBackup(String database, String file, String person) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("database", database);
    body.put("file", file);
    // The server waits for the import up to ImportClient.WAIT; this waits a little longer.
    Answer a = exchange("POST", BackupsApi.IMPORTS, READ.valueToTree(body), person,
        ImportClient.WAIT.plusMinutes(5));
    return read(a.body(), ImportResult.class);
  }

  // ---------------------------------------------------------------- the wire

  private record Answer(int status, JsonNode body) {}

  private JsonNode send(String method, String path, JsonNode body, String person, String runId) {
    Answer a = exchange(method, path, body, person);
    return a.body();
  }

  private Answer exchange(String method, String path, JsonNode body, String person) {
    return exchange(method, path, body, person, Duration.ofSeconds(30));
  }

  private Answer exchange(String method, String path, JsonNode body, String person, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Authorization", "Bearer " + credentials.token())
        .header("Accept", "application/json");
    // An act names who acts (in a local dev, whoever this user says, by default their own name);
    // a read needs no name.
    boolean act = !method.equals("GET");
    String as = person != null ? person : act && credentials.localDev() ? credentials.defaultPerson() : null;
    if (as != null) {
      b.header(AS_HEADER, as);
    }
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new RunbookException.Unavailable("the runbook API at " + base + " cannot be reached (" + e.getClass().getSimpleName()
          + "): start `runbook dev`, or point RUNBOOK_API_URL at a running `runbook serve`");
    } catch (IOException e) {
      throw new RunbookException.Unavailable("the runbook API at " + base + " failed to answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunbookException.Unavailable("interrupted while waiting for the runbook API at " + base);
    }
    r.headers().firstValue(CONFIG_HEADER).ifPresent(v -> workersConfig = v);
    JsonNode answer = parse(r.body());
    if (r.statusCode() >= 400) {
      throw error(r.statusCode(), answer);
    }
    return new Answer(r.statusCode(), answer);
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return READ.createObjectNode();
    }
    try {
      return READ.readTree(body);
    } catch (IOException e) {
      throw new RunbookException.Unavailable("the runbook API answered something that is not JSON");
    }
  }

  /** The API's error answer as the exception (and exit code) the CLI documents. */
  static RunbookException error(int status, JsonNode answer) {
    String code = answer.path("error").asText("");
    String message = answer.path("message").asText("the API answered " + status);
    for (RefusalKind kind : RefusalKind.values()) {
      if (kind.name().toLowerCase(java.util.Locale.ROOT).equals(code)) {
        return new RunbookException.Refused(kind, message);
      }
    }
    return switch (status) {
      case 401 -> new RunbookException.Refused(RefusalKind.UNKNOWN_PERSON, message);
      case 403 -> new RunbookException.Refused(RefusalKind.WRONG_ROLE, message);
      case 404 -> new RunbookException.UnknownRun(answer.path("workflowId").asText("?"), message);
      case 409 -> code.equals("already_running")
          ? new RunbookException.Conflict(answer.path("workflowId").asText(null), message)
          : new RunbookException.Refused(RefusalKind.NOT_WAITING, message);
      case 422 -> code.equals("import_refused")
          ? new RunbookException.ImportRefused(message) : new RunbookException.StartRefused(message);
      case 503 -> new RunbookException.Unavailable(message);
      default -> status >= 500 ? new RunbookException.Unavailable(message) : new RunbookException.InvalidRequest(message);
    };
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return READ.treeToValue(node, type);
    } catch (IOException e) {
      throw new RunbookException.Unavailable("the runbook API's answer could not be read as " + type.getSimpleName()
          + ": " + e.getMessage());
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static final class RunbookTypeReader extends StdDeserializer<RunbookType> {
    private static final long serialVersionUID = 1L;

    RunbookTypeReader() {
      super(RunbookType.class);
    }

    @Override
    public RunbookType deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return RunbookType.parse(p.getValueAsString());
    }
  }
}
