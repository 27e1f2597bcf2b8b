package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.starter.api.ApiClient;
import dev.runbook.starter.api.Tokens;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DefaultDataConverter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real P1 emergency rollback with a database revert (real Temporal server, worker and `runbook
 * serve` in their own processes, real PostgreSQL), a refused self-approval and an approval; its
 * incident report is fetched through the API and compared field by field with the run's Temporal
 * history, its runs row and the release ledger.
 *
 * <p>A step's times are the workflow's clock when it began and ended: the start of the workflow
 * task that scheduled its first activity, and of the one that saw its last activity complete. So a
 * step starts at most one workflow task before its first ActivityTaskScheduled event and ends at
 * most one after its last ActivityTaskCompleted. The run's end is recorded before its last
 * rollback-log write, so the history's completion follows it by that write and one workflow task.
 * {@link #GAP} bounds these on a shared, busy machine (about 1.4 s was seen on two cores); the
 * largest gap of each run is written to the reliability figures.
 */
class IncidentReportIT {
  static final String ERIN = Tokens.newToken();
  static final String ALICE = Tokens.newToken();
  /** The most a workflow task may add between an event and the workflow time recorded beside it. */
  static final Duration GAP = Duration.ofSeconds(5);
  static final String ID = "rollback-" + Demo.SERVICE;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;
  static Process serve;
  static Stack.Worker worker;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    stack = Stack.create(dir, tree -> {
      tree.put("people", List.of(
          Map.of("name", "erin", "roles", List.of("on-call"), "tokenSha256", Tokens.sha256Hex(ERIN)),
          Map.of("name", "alice", "roles", List.of("engineering-lead"), "tokenSha256", Tokens.sha256Hex(ALICE)),
          Map.of("name", "carol", "roles", List.of("engineering-manager"))));
      tree.put("api", Map.of("listen", "127.0.0.1:0"));
    });
    stack.resetShop();
    worker = stack.startWorker("none");
    Path log = dir.resolve("serve.log");
    serve = ChildJvm.start(stack.env, log, "serve", "--config", stack.config.toString());
    Matcher port = null;
    for (int i = 0; i < 120; i++) {
      port = Pattern.compile("\\(port (\\d+)\\)").matcher(Files.readString(log));
      if (port.find()) {
        break;
      }
      assertThat(serve.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(250);
    }
    base = "http://127.0.0.1:" + port.group(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.stop();
    }
    if (serve != null) {
      serve.destroy();
      serve.waitFor();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static ApiClient client(String token) {
    return new ApiClient(URI.create(base), new ApiClient.Credentials(token, false, null));
  }

  @Test
  void theReportOfARealRunMatchesItsHistoryItsRunsRowAndTheLedger() throws Exception {
    ApiClient erin = client(ERIN);
    ApiClient alice = client(ALICE);
    var started = erin.start(new EmergencyRollbackRequest(Demo.SERVICE, Severity.P1, "5xx | after v2", "erin", false,
        "INC-7", null, true, null, null, Duration.ZERO, null));
    PostgresPersistenceIT.awaitPhase(stack, ID, Phase.AWAITING_APPROVAL);
    assertThatThrownBy(() -> erin.approve(ID, "erin", "it is urgent")).isInstanceOf(RunbookException.Refused.class);
    alice.approve(ID, "alice", "checked | the graphs");
    PostgresPersistenceIT.awaitPhase(stack, ID, Phase.SUCCEEDED);
    List<HistoryEvent> history = closedHistory();

    IncidentReport report = alice.incidentReport(ID).orElseThrow();

    // The run: its runs row, and the history's first and last events.
    assertThat(report.runId()).isEqualTo(started.runId());
    Map<String, Object> row = row("select outcome, from_version, to_version, started_at, finished_at, duration_ms,"
        + " requested_by, severity, incident_id, message from runs where run_id = ?", started.runId());
    assertThat(report.outcome()).isEqualTo(row.get("outcome")).isEqualTo("succeeded");
    assertThat(report.startedAt()).isEqualTo(row.get("started_at"));
    assertThat(report.finishedAt()).isEqualTo(row.get("finished_at"));
    assertThat(report.durationMs()).isEqualTo(row.get("duration_ms"));
    assertThat(report.requestedBy()).isEqualTo(row.get("requested_by")).isEqualTo("erin");
    assertThat(report.severity()).isEqualTo(row.get("severity")).isEqualTo("P1");
    assertThat(report.incidentId()).isEqualTo(row.get("incident_id")).isEqualTo("INC-7");
    assertThat(report.message()).isEqualTo(row.get("message"));
    assertThat(report.kind()).isEqualTo(IncidentReport.Kind.INCIDENT);
    assertThat(report.live()).isNull();
    List<Long> gaps = new ArrayList<>();
    gaps.add(within(time(first(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)), report.startedAt(), "started"));
    gaps.add(within(report.finishedAt(), time(first(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)),
        "finished"));

    // Each step against the activities Temporal scheduled for it (their summary is the step's title).
    Map<Long, HistoryEvent> scheduled = new HashMap<>();
    Map<String, List<HistoryEvent[]>> byTitle = new HashMap<>();
    for (HistoryEvent e : history) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(e.getEventId(), e);
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        HistoryEvent s = scheduled.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
        String type = s.getActivityTaskScheduledEventAttributes().getActivityType().getName();
        if (!type.startsWith("Audit") && !type.startsWith("Notify")) { // the log and messages, not the step's work
          byTitle.computeIfAbsent(summary(s), t -> new ArrayList<>()).add(new HistoryEvent[] {s, e});
        }
      }
    }
    int compared = 0;
    for (IncidentReport.Step step : report.timeline()) {
      List<HistoryEvent[]> work = byTitle.get(step.title());
      if (work == null || step.startedAt() == null) {
        continue;
      }
      compared++;
      assertThat(step.state()).as(step.step()).isEqualTo("succeeded");
      gaps.add(within(step.startedAt(), time(work.get(0)[0]), step.step() + " start"));
      gaps.add(within(time(work.get(work.size() - 1)[1]), step.finishedAt(), step.step() + " end"));
      assertThat(step.durationMs()).isEqualTo(Duration.between(step.startedAt(), step.finishedAt()).toMillis());
    }
    assertThat(compared).as("steps with activities: " + byTitle.keySet()).isGreaterThanOrEqualTo(4);
    assertThat(report.timeline()).extracting(IncidentReport.Step::step)
        .contains("backup", "approval", "deploy", "revert-migrations");

    // The people: the refused self-approval (reported by signal) and the approval (an update).
    IncidentReport.Act refused = act(report, "refused");
    assertThat(refused.person()).isEqualTo("erin");
    HistoryEvent refusal = history.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("record-refusal"))
        .findFirst().orElseThrow();
    assertThat(text(refusal.getWorkflowExecutionSignaledEventAttributes().getInput().getPayloads(0))).contains("erin");
    gaps.add(within(time(refusal), refused.at(), "refused vote"));
    IncidentReport.Act approved = act(report, "approved");
    assertThat(approved.person()).isEqualTo("alice");
    assertThat(approved.comment()).isEqualTo("checked | the graphs");
    HistoryEvent update = history.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
            && e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest().getInput().getName()
                .equals("approve"))
        .findFirst().orElseThrow();
    assertThat(text(update.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest().getInput()
        .getArgs().getPayloads(0))).contains("alice");
    gaps.add(within(approved.at(), time(update), "approval"));
    IncidentReport.Step approval = report.timeline().stream().filter(s -> s.step().equals("approval")).findFirst()
        .orElseThrow();
    assertThat(approval.finishedAt()).isEqualTo(approved.at());
    assertThat(approval.state()).isEqualTo("approved");
    assertThat(act(report, "requested").at()).isEqualTo(report.startedAt());

    // The versions: the runs row, the ledger and the service itself.
    IncidentReport.VersionChange version = report.versions().stream()
        .filter(v -> v.service().equals(Demo.SERVICE)).findFirst().orElseThrow();
    assertThat(version.from()).isEqualTo(row.get("from_version")).isEqualTo("v2");
    assertThat(version.to()).isEqualTo(row.get("to_version")).isEqualTo("v1");
    Map<String, Object> ledger = row("select version, deployed_at, verified_at, deployed_by from releases"
        + " where run_id = ? and service = ?", started.runId(), Demo.SERVICE);
    assertThat(version.to()).isEqualTo(ledger.get("version"));
    assertThat(version.at()).isEqualTo(ledger.get("deployed_at"));
    assertThat(version.verifiedAt()).isEqualTo(ledger.get("verified_at")).isNotNull();
    assertThat(version.by()).isEqualTo(ledger.get("deployed_by"));
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
    Map<String, Object> rolledBack = row("select rolled_back_run from releases where service = ? and version = 'v2'"
        + " order by deployed_at desc limit 1", Demo.SERVICE);
    assertThat(rolledBack.get("rolled_back_run")).isEqualTo(started.runId());

    // The safety backup, the messages, and the same report as Markdown.
    IncidentReport.Backup safety = report.backups().safety();
    Map<String, Object> backup = row("select backup_id, created_at, size_bytes from backups where run_id = ?",
        started.runId());
    assertThat(safety.backupId()).isEqualTo(backup.get("backup_id"));
    assertThat(safety.takenAt()).isEqualTo(backup.get("created_at"));
    assertThat(safety.sizeBytes()).isEqualTo(backup.get("size_bytes"));
    assertThat(report.backups().discarded()).as("nothing was restored").isNull();
    assertThat(report.notifications()).isNotEmpty().allSatisfy(n -> assertThat(n.channel()).isEqualTo("hook"));
    assertThat(report.notifications()).hasSize(stack.webhook.accepted().size());
    assertThat(report.notifications()).extracting(IncidentReport.Notification::kind).contains("started", "resolved");
    HttpResponse<String> md = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/" + ID
        + "/report?format=markdown")).header("Authorization", "Bearer " + ERIN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(md.statusCode()).isEqualTo(200);
    Files.writeString(Path.of("target", "incident-report-example.md"), md.body()); // to read by hand
    assertThat(md.body()).startsWith("# Incident report: emergency rollback of shop (P1, INC-7)")
        .contains("| alice | approved | approval | - | checked \\| the graphs |")
        .doesNotContain(stack.env.get("RUNBOOK_DEMO_DB_PASSWORD"));

    // The CLI, as erin runs it elsewhere (its own process, the API's address and her token).
    ChildJvm.Result cli = cli(ERIN, "report", ID);
    assertThat(cli.exit()).as(cli.toString()).isZero();
    assertThat(beforeBuilt(cli.out())).as("the CLI prints what the API renders").isEqualTo(beforeBuilt(md.body()));
    ChildJvm.Result log = cli(ERIN, "log", "--format", "markdown");
    assertThat(log.exit()).as(log.toString()).isZero();
    assertThat(log.out()).contains("| Date | From | To | Reason | Duration |")
        .contains("| shop v2 | shop v1 | 5xx \\| after v2 (succeeded) |");

    long largest = gaps.stream().mapToLong(Long::longValue).max().orElse(0);
    Figures.record("incident report against the Temporal history", compared + " steps, the run's start and end,"
        + " a refusal and an approval compared; largest gap between an event and the time the log recorded "
        + largest + " ms (bound " + GAP.toMillis() + " ms)");
  }

  /** The report without its last line, which says when it was built. */
  private static String beforeBuilt(String markdown) {
    assertThat(markdown).contains("_Built ");
    return markdown.substring(0, markdown.indexOf("_Built "));
  }

  private static ChildJvm.Result cli(String token, String... args) {
    Map<String, String> env = new HashMap<>(stack.env);
    env.put("RUNBOOK_API_URL", base);
    env.put("RUNBOOK_TOKEN", token);
    env.put("RUNBOOK_TOKEN_FILE", dir.resolve("no-such-token-file").toString());
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--config";
    all[args.length + 1] = stack.config.toString();
    return ChildJvm.run(env, Duration.ofMinutes(1), all);
  }

  /** Asserts that {@code earlier} is not after {@code later} and at most {@link #GAP} before it; the gap in ms. */
  private static long within(Instant earlier, Instant later, String what) {
    long ms = Duration.between(earlier, later).toMillis();
    assertThat(ms).as(what + ": " + earlier + " .. " + later).isBetween(0L, GAP.toMillis());
    return ms;
  }

  private static IncidentReport.Act act(IncidentReport report, String act) {
    return report.people().stream().filter(a -> a.act().equals(act)).findFirst().orElseThrow(
        () -> new AssertionError("no " + act + " in " + report.people()));
  }

  private static List<HistoryEvent> closedHistory() throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      List<HistoryEvent> events = stack.connection.client().fetchHistory(ID).getEvents();
      if (events.get(events.size() - 1).getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
        return events;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(ID + " did not complete");
  }

  private static HistoryEvent first(List<HistoryEvent> history, EventType type) {
    return history.stream().filter(e -> e.getEventType() == type).findFirst().orElseThrow();
  }

  private static Instant time(HistoryEvent e) {
    return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
  }

  private static String summary(HistoryEvent scheduled) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(scheduled.getUserMetadata().getSummary(), String.class,
        String.class);
  }

  private static String text(Payload p) {
    return p.getData().toString(StandardCharsets.UTF_8);
  }

  /** One row of the rollback log: each column by name, times as instants. */
  private static Map<String, Object> row(String sql, Object... args) throws Exception {
    try (Connection c = stack.logDb.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as(sql).isTrue();
        Map<String, Object> out = new HashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Object v = rs.getObject(i);
          out.put(rs.getMetaData().getColumnLabel(i), v instanceof java.sql.Timestamp t ? t.toInstant() : v);
        }
        return out;
      }
    }
  }
}
