package dev.runbook.starter.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.starter.MemoryReleases;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * A real {@link ApiServer} on 127.0.0.1 (a free port) in front of the time-skipping test
 * environment and {@link FakeWorld}, with a fresh token for each of FakeWorld's people and an
 * Alertmanager user, and every log line captured.
 */
final class ApiHarness implements AutoCloseable {
  static final String ALERTMANAGER = "alertmanager";
  static final ObjectMapper JSON = new ObjectMapper();

  /** A response as the test reads it. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    String error() {
      return json().path("error").asText();
    }

    String message() {
      return json().path("message").asText();
    }
  }

  /** Built from the runs a test reports, each read back through the client. */
  static final class StartedRunsLog implements RollbackLog {
    private final RunbookClient runbooks;
    private final List<String> ids = new CopyOnWriteArrayList<>();
    /** Runs drills started, as the log would have them, listed after the reported runs. */
    final List<RollbackLogEntry> drillRuns = new CopyOnWriteArrayList<>();

    StartedRunsLog(RunbookClient runbooks) {
      this.runbooks = runbooks;
    }

    void add(String workflowId) {
      ids.add(0, workflowId);
    }

    @Override
    public List<RollbackLogEntry> recent(int limit, String service, boolean openOnly, boolean drills) {
      List<RollbackLogEntry> entries = new ArrayList<>();
      for (String id : ids) {
        RunStatus s = runbooks.status(id);
        boolean open = !s.phase().terminal();
        if ((service == null || s.services().contains(service)) && (!openOnly || open) && entries.size() < limit) {
          entries.add(new RollbackLogEntry(
              s.workflowId(), null, s.runbook().id(), s.severity().name(), s.services(), s.startedAt(),
              s.finishedAt(), null, null, s.reason(), s.requestedBy(), s.incidentId(), s.dryRun(), null,
              open ? null : s.phase().label(), s.outcomeMessage(), s.phase() == Phase.MONITORING));
        }
      }
      if (drills) {
        drillRuns.stream().filter(e -> service == null || e.services().contains(service))
            .limit(Math.max(0, limit - entries.size())).forEach(entries::add);
      }
      return entries;
    }
  }

  /** What the backup catalog holds for this test, newest first; a test adds rows or makes it fail. */
  static final class Backups implements BackupList {
    final List<BackupRecord> rows = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public List<BackupRecord> recent(String database, int limit) {
      asked.add(database + " " + limit);
      if (failure != null) {
        throw failure;
      }
      return rows.stream().filter(r -> database == null || r.database().equals(database)).limit(limit).toList();
    }
  }

  /** The drills a test adds, newest first. */
  static final class Drills implements DrillLog {
    final List<DrillLogEntry> rows = new CopyOnWriteArrayList<>();

    @Override
    public List<DrillLogEntry> recent(int limit, String target) {
      return rows.stream().filter(d -> target == null || d.target().equals(target)).limit(limit).toList();
    }

    @Override
    public Optional<DrillLogEntry> find(String workflowId) {
      return rows.stream().filter(d -> d.workflowId().equals(workflowId)).findFirst();
    }
  }

  final FakeWorld world = new FakeWorld();
  final Drills drills = new Drills();
  final Backups backups = new Backups();
  final Map<String, String> tokens = new LinkedHashMap<>();
  /** The incident reports the API serves, as a test puts them. */
  final List<dev.runbook.workflows.model.IncidentReport> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The checklist rows the rollback log keeps, by run, that a test adds. */
  final Map<String, List<dev.runbook.workflows.model.ChecklistItemState>> checklistRows =
      new java.util.concurrent.ConcurrentHashMap<>();
  final RunbookClient runbooks;
  final StartedRunsLog rollbackLog;
  final MemoryReleases releases = new MemoryReleases(List.of("api", "web"));
  final ApiServer server;
  private final TestWorkflowEnvironment testEnv;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  private ApiHarness(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client,
      UnaryOperator<ApiSettings> settings, Supplier<String> metrics, BooleanSupplier healthy,
      dev.runbook.starter.client.StartCheck startCheck) throws IOException {
    this.testEnv = testEnv;
    logs.start();
    root.addAppender(logs);
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    runbooks = new RunbookClient(client, worker.getTaskQueue(), startCheck);
    rollbackLog = new StartedRunsLog(runbooks);
    List<ApiSettings.PersonEntry> people = new ArrayList<>();
    FakeWorld.people().forEach(p -> people.add(person(p.name(), p.roles())));
    people.add(person(ALERTMANAGER, List.of("alerting")));
    server = new ApiServer(settings.apply(settings(people)), runbooks,
        new ApiServer.Records(rollbackLog, releases, backups, drills,
            id -> reports.stream().filter(r -> r.workflowId().equals(id)).findFirst(),
            run -> checklistRows.getOrDefault(run, List.of())), metrics, healthy).start();
  }

  static ApiHarness start(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    return start(testEnv, worker, client, s -> s, () -> "", () -> true);
  }

  static ApiHarness start(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client,
      UnaryOperator<ApiSettings> settings, Supplier<String> metrics, BooleanSupplier healthy) throws IOException {
    return new ApiHarness(testEnv, worker, client, settings, metrics, healthy,
        dev.runbook.starter.client.StartCheck.REQUEST_ONLY);
  }

  /** @param startCheck judges starts as the workers' catalog would */
  static ApiHarness start(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client,
      UnaryOperator<ApiSettings> settings, dev.runbook.starter.client.StartCheck startCheck) throws IOException {
    return new ApiHarness(testEnv, worker, client, settings, () -> "", () -> true, startCheck);
  }

  private ApiSettings.PersonEntry person(String name, List<String> roles) {
    String token = Tokens.newToken();
    tokens.put(name, token);
    return new ApiSettings.PersonEntry(name, roles, Tokens.sha256Hex(token));
  }

  /** prod (api, web; database api), and routes for error-rate and database alerts. */
  private static ApiSettings settings(List<ApiSettings.PersonEntry> people) {
    return new ApiSettings(
        "127.0.0.1:0",
        4,
        people,
        List.of("on-call", "engineering-lead", "alerting"),
        Map.of("prod", new ApiSettings.Environment(List.of("api", "web"), List.of("api"))),
        List.of(
            new AlertRoute("high-error-rate", Map.of("alertname", "HighErrorRate"), "emergency", null,
                "service", null, null, null, "severity", null, null),
            new AlertRoute("schema-broken", Map.of("alertname", "SchemaBroken", "team", "data"), "database",
                "api", null, null, null, "P1", null, "description", true),
            new AlertRoute("prod-down", Map.of("alertname", "ProdDown"), "full", null, null, "prod", null, "P0",
                null, null, true)));
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  Answer get(String path, String person) {
    return send(auth(HttpRequest.newBuilder(URI.create(url(path))).GET(), person));
  }

  /** A GET with an Accept header. */
  Answer get(String path, String person, String accept) {
    return send(auth(HttpRequest.newBuilder(URI.create(url(path))).header("Accept", accept).GET(), person));
  }

  Answer post(String path, String person, String json) {
    return post(path, person, "application/json", HttpRequest.BodyPublishers.ofString(json));
  }

  Answer post(String path, String person, String contentType, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(auth(b, person));
  }

  Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder auth(HttpRequest.Builder b, String person) {
    return person == null ? b : b.header("Authorization", "Bearer " + tokens.get(person));
  }

  RunStatus awaitPhase(String workflowId, Phase phase) {
    return Runs.awaitPhase(testEnv, runbooks.temporal().newUntypedWorkflowStub(workflowId), phase);
  }

  /** Waits (skipping time) until the run's workflow has closed. */
  RunReport awaitEnd(String workflowId) {
    return Runs.report(runbooks.temporal().newUntypedWorkflowStub(workflowId));
  }

  RunStatus status(String workflowId) {
    return runbooks.status(workflowId);
  }

  /** Starts a drill of the fake world's api service as erin, breaking it with v3-bad; its ID. */
  String startDrill(String detectionFields) {
    Answer started = post("/api/v1/drills", FakeWorld.REQUESTER, """
        {"runbook": "emergency", "target": "api", "badVersion": "v3-bad", "limit": "5m", "sla": "10m", %s}"""
        .formatted(detectionFields));
    if (started.status() != 202) {
      throw new AssertionError("the drill did not start: " + started.body());
    }
    return started.json().path("workflowId").asText();
  }

  /** The drill's progress once it starts with {@code prefix} ("waiting for"). */
  String awaitDrillProgress(String drillId, String prefix) {
    return dev.runbook.starter.Await.drillProgress(runbooks.temporal(), drillId, prefix);
  }

  /** Every captured log line, with its exception if any. */
  List<String> logLines() {
    List<ILoggingEvent> events;
    synchronized (logs) { // the appender adds under this lock, from the server's and the worker's threads
      events = List.copyOf(logs.list);
    }
    return events.stream()
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
  }

  @Override
  public void close() {
    server.close();
    root.detachAppender(logs);
  }
}
