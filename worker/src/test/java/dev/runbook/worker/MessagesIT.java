package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.notify.FakeStatuspage;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.support.Platform;
import dev.runbook.worker.support.Webhook;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages shaped and routed by configuration, for real: two rollbacks of one service on the
 * embedded server with the worker's own notifier, a status page channel limited to STARTED and
 * RESOLVED against a local Statuspage, and a webhook that sends its own JSON body and a header
 * whose value comes from the environment. Each run opens exactly one incident and resolves it; no
 * other kind of message reaches the page; the webhook's bodies are the configured template filled
 * with each run's fields.
 */
class MessagesIT {
  private static final String KEY = "sp-key-" + UUID.randomUUID();
  private static final String BOT_KEY = "bot-key-" + UUID.randomUUID();

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private FakeStatuspage page;
  private Webhook bot;
  private AuditDatabase audit;
  private Processes.DevStack stack;
  private ServiceActivitiesImpl outside;

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    page = new FakeStatuspage(KEY);
    bot = new Webhook();
    LocalPostgres pg = TestPostgres.server();
    Path config = writeConfig();
    Map<String, String> environment = Map.of("STATUSPAGE_API_KEY", KEY, "BOT_KEY", BOT_KEY);
    Settings settings = new Settings(ConfigLoader.load(config, environment::get), config.getParent(), config.toString());
    audit = AuditDatabase.open(new AuditDatabase.Server(pg.host(), pg.port(), pg.user(), pg.password(),
        TestPostgres.freshDatabase("messages_it")));
    stack = new Processes.DevStack(settings, audit, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null, environment::get);
    outside = new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir());
  }

  @AfterEach
  void tearDown() {
    try {
      stack.close();
      audit.close();
    } finally {
      bot.close();
      page.close();
    }
  }

  private Path writeConfig() throws IOException {
    Map<String, Object> api = new Platform(dir).service("api");

    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "statuspage");
    status.put("url", page.url().reveal());
    status.put("pageId", FakeStatuspage.PAGE);
    status.put("apiKey", "${STATUSPAGE_API_KEY}");
    status.put("components", Map.of("api", "cmpapi01"));
    status.put("kinds", List.of("STARTED", "RESOLVED"));
    Map<String, Object> hook = new LinkedHashMap<>();
    hook.put("kind", "webhook");
    hook.put("url", bot.url());
    hook.put("headers", Map.of("X-Bot-Key", "${BOT_KEY}"));
    hook.put("kinds", List.of("STARTED", "RESOLVED", "FAILED"));
    hook.put("body", "{\"summary\": \"{title}\", \"service\": \"{services}\", \"severity\": \"{severity}\","
        + " \"why\": \"{reason}\", \"minutes\": {durationMinutes}, \"run\": \"{workflowId}\", \"kind\": \"{kind}\"}");
    Map<String, Object> channels = new LinkedHashMap<>();
    channels.put("terminal", Map.of("kind", "console"));
    channels.put("status", status);
    channels.put("bot", hook);

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("temporal", Map.of("address", "embedded", "embeddedPort", 0));
    config.put("people", List.of(Map.of("name", "erin", "roles", List.of("on-call", "engineering-lead", "engineering-manager"))));
    config.put("services", Map.of("api", api));
    config.put("notify", Map.of("channels", channels, "routing", Map.of("team", List.of("terminal", "status", "bot"))));
    config.put("worker", Map.of("stateDir", dir.resolve("state").toString(), "metricsListen", "127.0.0.1:0"));
    Path file = dir.resolve("runbook.yaml");
    new YAMLMapper().writeValue(file.toFile(), config);
    return file;
  }

  private void deploy(String version) {
    outside.deploy(new DeployRequest("api", version, "ci/api/" + version + "/" + UUID.randomUUID(), false));
  }

  private EmergencyRollbackResult rollBack(Severity severity, String reason) {
    Runbooks.Started started = stack.runbooks.start(new EmergencyRollbackRequest("api", severity, reason, "erin",
        false, null, null, false, null, null, Duration.ZERO, null));
    return stack.runbooks.temporal().newUntypedWorkflowStub(started.workflowId()).getResult(EmergencyRollbackResult.class);
  }

  @Test
  void eachRunOpensOneIncidentAndResolvesItAndTheWebhookGetsItsOwnBody() throws Exception {
    deploy("1.3.2");
    deploy("1.4.0");
    EmergencyRollbackResult first = rollBack(Severity.P0, "checkout returns \"500\" since 1.4.0");
    assertThat(first.report().outcome()).as(first.report().message()).isEqualTo(Phase.SUCCEEDED);

    List<FakeStatuspage.Call> changes = page.changes();
    assertThat(changes).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST /v1/pages/" + FakeStatuspage.PAGE + "/incidents",
        "PATCH /v1/pages/" + FakeStatuspage.PAGE + "/incidents/inc1");
    assertThat(changes.get(0).incident().path("status").asText()).isEqualTo("investigating");
    assertThat(changes.get(0).incident().path("components").toString())
        .as("a P0 puts the service's component in major outage").isEqualTo("{\"cmpapi01\":\"major_outage\"}");
    assertThat(changes.get(1).incident().path("status").asText()).isEqualTo("resolved");
    assertThat(changes.get(1).incident().path("body").asText())
        .startsWith("Resolved: we rolled back a recent deployment that caused checkout returns \"500\" since 1.4.0."
            + " Duration: ");
    assertThat(page.calls()).allSatisfy(c -> assertThat(c.authorization()).isEqualTo("OAuth " + KEY));

    List<JsonNode> bodies = bodies();
    assertThat(bodies).extracting(b -> b.path("kind").asText()).containsExactly("STARTED", "RESOLVED");
    JsonNode resolved = bodies.get(1);
    assertThat(resolved.path("service").asText()).isEqualTo("api");
    assertThat(resolved.path("severity").asText()).isEqualTo("P0");
    assertThat(resolved.path("why").asText()).as("a quote in the reason stays JSON").isEqualTo("checkout returns \"500\" since 1.4.0");
    assertThat(resolved.path("run").asText()).isEqualTo(first.report().workflowId());
    assertThat(resolved.path("minutes").isIntegralNumber()).as("a number outside quotes is a JSON number").isTrue();
    assertThat(resolved.path("minutes").asLong()).as("whole minutes rounded up, so a rollback of a second is 1")
        .isEqualTo(1);
    assertThat(resolved.fieldNames()).toIterable()
        .containsExactly("summary", "service", "severity", "why", "minutes", "run", "kind");
    assertThat(bot.accepted()).allSatisfy(m -> assertThat(m.headers()).containsEntry("x-bot-key", BOT_KEY));

    // The service's life goes on: a new deploy, a second rollback, a second incident of its own.
    deploy("1.5.0");
    EmergencyRollbackResult second = rollBack(Severity.P0, "latency above 5 s");
    assertThat(second.report().outcome()).as(second.report().message()).isEqualTo(Phase.SUCCEEDED);
    assertThat(second.report().workflowId()).as("one workflow ID names every rollback of the service")
        .isEqualTo(first.report().workflowId());

    assertThat(page.incidents()).hasSize(2).allSatisfy(i -> assertThat(i.path("status").asText()).isEqualTo("resolved"));
    assertThat(page.changes()).extracting(c -> c.method() + " " + c.path()).containsExactly(
        "POST /v1/pages/" + FakeStatuspage.PAGE + "/incidents",
        "PATCH /v1/pages/" + FakeStatuspage.PAGE + "/incidents/inc1",
        "POST /v1/pages/" + FakeStatuspage.PAGE + "/incidents",
        "PATCH /v1/pages/" + FakeStatuspage.PAGE + "/incidents/inc2");
    assertThat(page.changes().get(2).incident().path("components").toString())
        .isEqualTo("{\"cmpapi01\":\"major_outage\"}");
    assertThat(bodies()).extracting(b -> b.path("kind").asText() + " " + b.path("why").asText()).containsExactly(
        "STARTED checkout returns \"500\" since 1.4.0", "RESOLVED checkout returns \"500\" since 1.4.0",
        "STARTED latency above 5 s", "RESOLVED latency above 5 s");
  }

  private List<JsonNode> bodies() throws IOException {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (Webhook.Message m : bot.accepted()) {
      out.add(json.readTree(m.body()));
    }
    return out;
  }
}
