package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.api.Tokens;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Runs a real rollback (through the API, with a database revert and webhook messages) with every
 * kind of secret configured, then a configuration-only rollback of the service's env file, whose
 * variables hold secrets too, with deploys recorded through the API (a worker snapshots the
 * configuration). Then it searches everything the product wrote for them: every log line, every
 * workflow history, every API answer, the console and webhook messages, and every table of the
 * rollback log. None may appear.
 */
class SecretsStayOutIT {
  @TempDir Path dir;

  @Test
  void noSecretAppearsInLogsHistoriesOrApiAnswers() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    String dbPassword = pg.password().reveal();
    String hookPath = "/services/T0SECRETTEAM/B0SECRETBOT/xoxbSecretHookToken77";
    String hookBearer = "webhook-bearer-9f8e7d6c5b4a";
    String apiToken = Tokens.newToken();
    String approverToken = Tokens.newToken();

    List<String> webhookBodies = new ArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/", x -> {
      synchronized (webhookBodies) {
        webhookBodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      }
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    hook.start();
    String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + hookPath;

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    ch.qos.logback.classic.Level before = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    ((Logger) LoggerFactory.getLogger("dev.runbook")).setLevel(ch.qos.logback.classic.Level.DEBUG);

    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), dbPassword);
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), 0, ChildJvm.classpath());
    YAMLMapper yaml = new YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> config = yaml.readValue(setup.configFile().toFile(), LinkedHashMap.class);
    config.put("people", List.of(
        Map.of("name", "erin", "roles", List.of("on-call"), "tokenSha256", Tokens.sha256Hex(apiToken)),
        Map.of("name", "alice", "roles", List.of("engineering-lead"), "tokenSha256", Tokens.sha256Hex(approverToken)),
        Map.of("name", "carol", "roles", List.of("engineering-manager"))));
    config.put("api", Map.of("listen", "127.0.0.1:0"));
    // The service reads an env file, which is its configuration: its values are secrets too.
    Path shopEnv = dir.resolve("shop.env");
    Files.writeString(shopEnv, GOOD_ENV);
    @SuppressWarnings("unchecked")
    Map<String, Object> shop = (Map<String, Object>) ((Map<String, Object>) config.get("services")).get("shop");
    @SuppressWarnings("unchecked")
    Map<String, Object> process = (Map<String, Object>) shop.get("process");
    @SuppressWarnings("unchecked")
    List<Object> argv = (List<Object>) process.get("argv");
    argv.addAll(List.of("--env-file", shopEnv.toString()));
    process.put("startTimeout", "3s");
    shop.put("config", Map.of("envFile", shopEnv.toString()));
    config.put("notify", Map.of(
        "channels", Map.of("hook", Map.of("kind", "webhook", "url", "${HOOK_URL}", "token", "${HOOK_TOKEN}"),
            "terminal", Map.of("kind", "console")),
        "routing", Map.of("team", List.of("hook", "terminal"), "approvers", List.of("hook"), "escalation", List.of("hook"))));
    yaml.writeValue(setup.configFile().toFile(), config);
    String configKey = dev.runbook.activities.config.ConfigKey.newKey();
    Map<String, String> env = Map.of("RUNBOOK_DEMO_DB_PASSWORD", dbPassword, "HOOK_URL", hookUrl, "HOOK_TOKEN", hookBearer,
        dev.runbook.activities.config.ConfigKey.ENV, configKey);
    Settings settings = new Settings(ConfigLoader.load(setup.configFile(), env::get), setup.configFile().getParent(), "test");

    ServiceActivitiesImpl services = new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir());
    demo.deploySampleService(services);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> answers = new ArrayList<>();
    List<String> histories = new ArrayList<>();
    List<String> rollbackLog = new ArrayList<>();
    String logDb = TestPostgres.freshDatabase("secrets_log");
    try (AuditDatabase audit = AuditDatabase.open(new AuditDatabase.Server(pg.host(), pg.port(), pg.user(), pg.password(), logDb));
        Processes.DevStack stack = new Processes.DevStack(settings, audit, new PrintStream(console, true, StandardCharsets.UTF_8),
            null, env::get)) {
      String base = "http://127.0.0.1:" + stack.api.port();
      HttpClient http = HttpClient.newHttpClient();
      // CI records its deploys; a worker snapshots the configuration of each.
      answers.add(call(http, base + "/api/v1/deploys", apiToken, "{\"service\":\"shop\",\"version\":\"v1\",\"verified\":true,\"key\":\"ci-1\"}"));
      answers.add(call(http, base + "/api/v1/deploys", apiToken, "{\"service\":\"shop\",\"version\":\"v2\",\"key\":\"ci-2\"}"));
      assertThat(answers.get(0)).startsWith("201 ").contains("\"config\":\"cfg-");
      answers.add(call(http, base + "/api/v1/runs/emergency", apiToken, """
          {"service":"shop","severity":"P1","reason":"orders failing since v2","withDatabase":true,"monitorFor":"PT0S"}"""));
      answers.add(call(http, base + "/api/v1/runs", "wrong-" + apiToken, null));
      answers.add(call(http, base + "/api/v1/runs/rollback-shop/approve", apiToken, "{\"comment\":\"mine\"}"));
      for (int i = 0; i < 100 && !call(http, base + "/api/v1/runs/rollback-shop", apiToken, null).contains("awaiting-approval"); i++) {
        Thread.sleep(200);
      }
      answers.add(call(http, base + "/api/v1/runs/rollback-shop/approve", apiToken, "{\"comment\":\"mine\"}"));
      answers.add(call(http, base + "/api/v1/runs/rollback-shop/approve", approverToken, "{\"comment\":\"go\"}"));
      String status = "";
      for (int i = 0; i < 200 && !status.contains("\"phase\":\"succeeded\""); i++) {
        Thread.sleep(200);
        status = call(http, base + "/api/v1/runs/rollback-shop", approverToken, null);
      }
      assertThat(status).as("the run ends succeeded").contains("\"phase\":\"succeeded\"");
      answers.add(status);
      answers.add(call(http, base + "/api/v1/runs", approverToken, null));
      answers.add(call(http, base + "/api/v1/runs/rollback-nope", approverToken, null));
      String metrics = call(http, base + "/metrics", null, null);
      assertThat(metrics).as("runbook and SDK metrics").contains("runbook_runs_finished_total{")
          .contains("outcome=\"succeeded\"").contains("runbook_step_duration_seconds").contains("temporal_");
      answers.add(metrics);
      answers.add(call(http, base + "/openapi.json", null, null));

      var client = stack.connection.client();
      WorkflowExecutionHistory h = client.fetchHistory("rollback-shop");
      histories.add(readable(h.toJson(false)));
      // Kept for the replay tests: a run through the real adapters, not the test fakes.
      Path recorded = Path.of("target", "recorded-histories", "SecretsStayOutIT-real-adapters-0-EmergencyRollback.json");
      Files.createDirectories(recorded.getParent());
      Files.writeString(recorded, h.toJson(true));
      h.getEvents().stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
          .forEach(e -> histories.add(readable(client.fetchHistory(
              e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution().getWorkflowId()).toJson(false))));

      // A bad configuration deployed and recorded, then rolled back on its own.
      Files.writeString(shopEnv, BAD_ENV);
      services.restart(new dev.runbook.workflows.activities.ServiceActivities.ServiceAction("shop", "ci/restart", false));
      answers.add(call(http, base + "/api/v1/deploys", apiToken, "{\"service\":\"shop\",\"version\":\"v1\",\"key\":\"ci-3\"}"));
      answers.add(call(http, base + "/api/v1/runs/emergency", apiToken, """
          {"service":"shop","severity":"P0","reason":"payments broken since the configuration change","configOnly":true,"monitorFor":"PT0S","dryRun":true}"""));
      answers.add(call(http, base + "/api/v1/runs/emergency", apiToken, """
          {"service":"shop","severity":"P0","reason":"payments broken since the configuration change","configOnly":true,"monitorFor":"PT0S"}"""));
      String configRun = "";
      for (int i = 0; i < 200 && !configRun.contains("\"phase\":\"succeeded\""); i++) {
        Thread.sleep(200);
        configRun = call(http, base + "/api/v1/runs/rollback-shop", approverToken, null);
      }
      assertThat(configRun).as("the configuration-only run ends succeeded").contains("\"phase\":\"succeeded\"")
          .contains("NEW_FLAG removed");
      answers.add(configRun);
      answers.add(call(http, base + "/api/v1/releases?service=shop", approverToken, null));
      answers.add(call(http, base + "/api/v1/runs", approverToken, null));
      assertThat(Files.readString(shopEnv)).isEqualTo(GOOD_ENV);
      histories.addAll(everyHistory(client));
      rollbackLog.addAll(dump(audit.dataSource()));
    } finally {
      demo.stopSampleService(services);
      hook.stop(0);
      root.detachAppender(logs);
      root.setLevel(before);
    }

    assertThat(webhookBodies).as("the webhook got the run's messages").hasSizeGreaterThanOrEqualTo(3);
    assertThat(answers.get(3)).as("the wrong token").contains("401");
    List<String> logLines = new ArrayList<>();
    for (ILoggingEvent e : logs.list) {
      logLines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(logLines).hasSizeGreaterThan(20);
    Map<String, List<String>> outputs = new LinkedHashMap<>();
    outputs.put("log lines", logLines);
    outputs.put("workflow histories", histories);
    outputs.put("API answers", answers);
    outputs.put("console messages", List.of(console.toString(StandardCharsets.UTF_8)));
    outputs.put("webhook bodies", webhookBodies);
    outputs.put("the rollback log's tables", rollbackLog);
    assertThat(rollbackLog).as("the tables were read").anySatisfy(t -> assertThat(t).contains("cfg-"));
    assertThat(histories).as("the snapshot workflows' histories were read")
        .anySatisfy(t -> assertThat(t).contains("ConfigSnapshot"));
    assertThat(histories).as("the configuration runs' histories were read, diffs by name included")
        .anySatisfy(t -> assertThat(t).contains("NEW_FLAG removed").contains("\"configOnly\":true"));
    assertThat(rollbackLog).as("the run's events hold the diff by name")
        .anySatisfy(t -> assertThat(t).startsWith("run_events").contains("NEW_FLAG removed"));
    List<String> secrets = new ArrayList<>(List.of(dbPassword, hookUrl, hookPath, "xoxbSecretHookToken77", "T0SECRETTEAM",
        hookBearer, apiToken, approverToken, configKey));
    secrets.addAll(CONFIG_VALUES);
    for (String secret : secrets) {
      outputs.forEach((where, texts) -> assertThat(texts)
          .as("%s must not contain a secret", where)
          .noneSatisfy(t -> assertThat(t).contains(secret)));
    }
    assertThat(histories.get(0)).as("payloads were decoded, so the search saw them")
        .contains("orders failing since v2").contains("\"outcome\":\"succeeded\"").contains("rollback-shop");
    assertThat(histories).hasSizeGreaterThanOrEqualTo(1);
  }

  private static final String GOOD_ENV = "# shop\nPAYMENTS_URL=https://payments.internal/pay?token=pt_secret_5e6f\n"
      + "STRIPE_KEY=sk_live_secretsstayout_77aa\nSESSION_SECRET=s3ss10n-s3cr3t-9911\n";
  private static final String BAD_ENV = "# shop\nPAYMENTS_URL=htps://payments.internal/pay?token=pt_secret_5e6f\n"
      + "STRIPE_KEY=sk_live_badsecret_88bb\nSESSION_SECRET=s3ss10n-s3cr3t-9911\nNEW_FLAG=flag-secret-1234\n";
  private static final List<String> CONFIG_VALUES = List.of("pt_secret_5e6f", "payments.internal",
      "sk_live_secretsstayout_77aa", "s3ss10n-s3cr3t-9911", "sk_live_badsecret_88bb", "flag-secret-1234");

  /** Every workflow the server has run (the snapshot workflows' IDs are random), decoded. */
  private static List<String> everyHistory(io.temporal.client.WorkflowClient client) {
    var stub = client.getWorkflowServiceStubs().blockingStub();
    var closed = stub.listClosedWorkflowExecutions(io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest
        .newBuilder().setNamespace(client.getOptions().getNamespace()).setMaximumPageSize(1000).build());
    List<String> out = new ArrayList<>();
    for (var info : closed.getExecutionsList()) {
      out.add(info.getType().getName() + "\n" + readable(client.fetchHistory(info.getExecution().getWorkflowId(),
          info.getExecution().getRunId()).toJson(false)));
    }
    return out;
  }

  /** Every text of every table of the rollback log, sealed bytes included. */
  private static List<String> dump(javax.sql.DataSource db) throws java.sql.SQLException {
    List<String> out = new ArrayList<>();
    try (var c = db.getConnection(); var tables = c.createStatement().executeQuery(
        "select table_name from information_schema.tables where table_schema = 'public'")) {
      List<String> names = new ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString(1));
      }
      for (String table : names) {
        try (var rs = c.createStatement().executeQuery("select * from " + table)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder(table);
            for (int i = 1; i <= columns; i++) {
              Object v = rs.getObject(i);
              row.append(" | ").append(v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : v);
            }
            out.add(row.toString());
          }
        }
      }
    }
    return out;
  }

  /** The history JSON with every payload (inputs, results, memo, search attributes) decoded. */
  private static String readable(String historyJson) {
    StringBuilder b = new StringBuilder(historyJson);
    var m = java.util.regex.Pattern.compile("\"(?:data|encoding)\": \"([A-Za-z0-9+/=]+)\"").matcher(historyJson);
    while (m.find()) {
      b.append('\n').append(new String(java.util.Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  /** GET when body is null, else POST JSON; returns "status body". */
  private static String call(HttpClient http, String url, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
