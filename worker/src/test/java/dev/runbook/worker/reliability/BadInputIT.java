package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.api.Tokens;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the API (`runbook serve` in its own process) and the CLI, against the real
 * Temporal server: each gets a clear error, and nothing starts (Temporal's own visibility store
 * shows no workflow, the rollback log no run, the webhook no message).
 */
class BadInputIT {
  static final String ERIN = Tokens.newToken();
  static final String ALICE = Tokens.newToken();

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
      // A second service, without a database: never acted on here.
      @SuppressWarnings("unchecked")
      Map<String, Object> services = new java.util.LinkedHashMap<>((Map<String, Object>) tree.get("services"));
      services.put("web", Map.of("adapter", "command",
          "command", Map.of("deploy", List.of("false", "{version}"), "health", List.of("true"))));
      tree.put("services", services);
      tree.put("environments", Map.of("prod", Map.of("services", List.of("shop", "web"))));
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
      Thread.sleep(500);
    }
    base = "http://127.0.0.1:" + port.group(1);
  }

  /** The CLI as erin runs it elsewhere: the API's address and her token, no local dev. */
  private static ChildJvm.Result cli(String token, String... args) {
    Map<String, String> env = new java.util.HashMap<>(stack.env);
    env.put("RUNBOOK_API_URL", base);
    if (token != null) {
      env.put("RUNBOOK_TOKEN", token);
    }
    env.put("RUNBOOK_TOKEN_FILE", dir.resolve("no-such-token-file").toString());
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--config";
    all[args.length + 1] = stack.config.toString();
    return ChildJvm.run(env, Duration.ofMinutes(1), all);
  }

  private static long started(String type) {
    return stack.connection.client().countWorkflows("WorkflowType = '" + type + "'").getCount();
  }

  @Test
  void startsTheWorkersCannotRunAreRefusedBeforeAnythingStartsOrIsSent() throws Exception {
    long emergency = started("EmergencyRollback");
    long full = started("FullRollback");
    long database = started("DatabaseRollback");
    int messages = stack.webhook.accepted().size();

    refused(post("/api/v1/runs/emergency", ERIN, "application/json",
        "{\"service\":\"chekout\",\"severity\":\"P0\",\"reason\":\"r\"}"), 422, "no service 'chekout' is configured");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json",
        "{\"service\":\"web\",\"severity\":\"P0\",\"reason\":\"r\",\"withDatabase\":true}"), 422,
        "web has no database");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json",
        "{\"service\":\"shop\",\"severity\":\"P0\",\"reason\":\"r\",\"withDatabase\":true,\"database\":\"shp\"}"), 422,
        "database: 'shp' is not under databases");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json",
        "{\"service\":\"shop\",\"severity\":\"P0\",\"reason\":\"r\",\"toVersion\":\"v 1\"}"), 400,
        "'v 1' is not a valid version");
    refused(post("/api/v1/runs/full", ERIN, "application/json",
        "{\"environment\":\"prdo\",\"severity\":\"P0\",\"reason\":\"r\"}"), 400, "environment 'prdo' is not configured");
    refused(post("/api/v1/runs/database", ERIN, "application/json",
        "{\"service\":\"web\",\"severity\":\"P0\",\"reason\":\"r\",\"mode\":\"revert\"}"), 422,
        "web has no database");

    ChildJvm.Result typo = cli(ERIN, "start", "emergency", "chekout", "-s", "P0", "-r", "5xx");
    assertThat(typo.exit()).as(typo.toString()).isEqualTo(2);
    assertThat(typo.err()).contains("nothing was started").contains("no service 'chekout' is configured")
        .contains("shop, web");
    ChildJvm.Result noDb = cli(ERIN, "start", "emergency", "web", "-s", "P0", "-r", "5xx", "--with-database");
    assertThat(noDb.exit()).as(noDb.toString()).isEqualTo(2);
    assertThat(noDb.err()).contains("web has no database");
    ChildJvm.Result badVersion = cli(ERIN, "start", "emergency", "shop", "-s", "P0", "-r", "5xx", "--to-version", "v1;rm");
    assertThat(badVersion.exit()).as(badVersion.toString()).isEqualTo(2);
    assertThat(badVersion.err()).contains("is not a valid version");
    ChildJvm.Result noEnv = cli(ERIN, "start", "full", "prdo", "-s", "P0", "-r", "5xx");
    assertThat(noEnv.exit()).as(noEnv.toString()).isEqualTo(2);
    assertThat(noEnv.err()).contains("environment 'prdo' is not configured");

    assertThat(started("EmergencyRollback")).as("nothing started").isEqualTo(emergency);
    assertThat(started("FullRollback")).isEqualTo(full);
    assertThat(started("DatabaseRollback")).isEqualTo(database);
    assertThat(stack.webhook.accepted()).as("nothing sent").hasSize(messages);
    assertThat(stack.log.recent(100, "chekout", false)).isEmpty();
  }

  @Test
  void anActNeedsProofOfWhoActs() throws Exception {
    try {
      HttpResponse<String> started = post("/api/v1/runs/emergency", ERIN, "application/json",
          "{\"service\":\"shop\",\"severity\":\"P1\",\"reason\":\"needs approval\",\"monitorFor\":\"PT0S\"}");
      assertThat(started.statusCode()).as(started.body()).isIn(201, 409);
      PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.AWAITING_APPROVAL);

      // No proof: --as alone is a claim, and only a local dev trusts it.
      ChildJvm.Result claim = cli(null, "approve", "rollback-shop", "--as", "alice");
      assertThat(claim.exit()).as(claim.toString()).isEqualTo(3);
      assertThat(claim.err()).contains("no token is set to reach the API at " + base);
      refused(post("/api/v1/runs/rollback-shop/approve", null, "application/json", "{}"), 401, "Authorization");
      // Someone else's proof: erin's token cannot vote as alice, by CLI or API.
      ChildJvm.Result impostor = cli(ERIN, "approve", "rollback-shop", "--as", "alice");
      assertThat(impostor.exit()).as(impostor.toString()).isEqualTo(3);
      assertThat(impostor.err()).contains("your token is erin's");
      HttpRequest asAlice = HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/rollback-shop/approve"))
          .header("Authorization", "Bearer " + ERIN).header("X-Runbook-As", "alice")
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
      refused(http.send(asAlice, HttpResponse.BodyHandlers.ofString()), 403, "your token is erin's");
      // A token of nobody under people.
      refused(post("/api/v1/runs/rollback-shop/approve", Tokens.newToken(), "application/json", "{}"), 401, "not known");
      ChildJvm.Result stranger = cli(Tokens.newToken(), "approve", "rollback-shop");
      assertThat(stranger.exit()).as(stranger.toString()).isEqualTo(3);

      assertThat(stack.runbooks.status("rollback-shop").pendingApproval().approvedBy()).as("no vote counted").isEmpty();
      // Her own token: the act counts (a rejection, so the sample service stays as it is).
      ChildJvm.Result real = cli(ALICE, "reject", "rollback-shop", "--reason", "checked: not this one");
      assertThat(real.exit()).as(real.toString()).isZero();
      assertThat(real.out()).contains("rejected by alice");
    } finally {
      PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.REJECTED);
    }
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

  private static HttpResponse<String> post(String path, String token, String contentType, String body) throws Exception {
    // Expect: 100-continue, as careful clients send large bodies: a refused body is never sent,
    // so the refusal arrives instead of a reset connection.
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).expectContinue(body.length() > 8192)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void refused(HttpResponse<String> r, int status, String reason) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).as("a clear error").contains(reason);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void badRequestsThroughTheApiAreRefusedAndStartNothing() throws Exception {
    long emergencyBefore = started("EmergencyRollback");
    long databaseBefore = started("DatabaseRollback");
    String ok = "{\"service\":\"shop\",\"severity\":\"P0\",\"reason\":\"r\"}";
    refused(post("/api/v1/runs/emergency", ERIN, "application/json", "{\"service\":"), 400, "invalid_json");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json", "{\"service\":\"shop\",\"reason\":\"" + "x".repeat(70_000) + "\"}"), 413, "");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json", ok.replace("}", ",\"force\":true}")), 400, "force");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json", ok.replace("P0", "P9")), 400, "P9");
    refused(post("/api/v1/runs/emergency", ERIN, "application/json", ok.replace("}", ",\"monitorFor\":\"soon\"}")), 400, "monitorFor");
    refused(post("/api/v1/runs/emergency", ERIN, "text/plain", ok), 415, "");
    for (String field : List.of("service", "reason", "toVersion", "database", "toMigration", "incidentId")) {
      String body = "{\"service\":\"shop\",\"severity\":\"P1\",\"reason\":\"r\",\"withDatabase\":true,\""
          + field + "\":\"x'; drop table orders; -- $(touch /tmp/pwned)\"}";
      if (field.equals("service") || field.equals("reason")) {
        body = body.replace("\"" + field + "\":\"" + (field.equals("service") ? "shop" : "r") + "\",", "");
      }
      HttpResponse<String> r = post("/api/v1/runs/emergency", ERIN, "application/json", body);
      if (field.equals("reason")) {
        // Free text is inert: never a command, a name or SQL. The run it starts waits for approval
        // and is cancelled here.
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.AWAITING_APPROVAL);
        stack.runbooks.cancel("rollback-shop", "erin", "test");
        PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.CANCELLED);
        continue;
      }
      refused(r, 400, field);
    }
    refused(post("/api/v1/runs/emergency", "forged-" + ERIN, "application/json", ok), 401, "");
    refused(post("/api/v1/runs/emergency", null, "application/json", ok), 401, "");
    refused(post("/api/v1/runs/database", ERIN, "application/json",
        "{\"service\":\"shop\",\"severity\":\"P0\",\"reason\":\"r\",\"requestedBy\":\"alice\"}"), 400, "requestedBy");

    assertThat(Files.exists(Path.of("/tmp/pwned"))).isFalse();
    assertThat(started("DatabaseRollback")).isEqualTo(databaseBefore);
    assertThat(started("EmergencyRollback")).as("only the one with the inert reason").isEqualTo(emergencyBefore + 1);
  }

  @Test
  void selfApprovalIsRefusedThroughTheApiAndTheCli() throws Exception {
    try {
      HttpResponse<String> started = post("/api/v1/runs/emergency", ERIN, "application/json",
          "{\"service\":\"shop\",\"severity\":\"P1\",\"reason\":\"needs approval\",\"monitorFor\":\"PT0S\"}");
      assertThat(started.statusCode()).as(started.body()).isIn(201, 409);
      PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.AWAITING_APPROVAL);
      refused(post("/api/v1/runs/rollback-shop/approve", ERIN, "application/json", "{}"), 403, "erin requested this run");
      var cli = cli(ERIN, "approve", "rollback-shop", "--as", "erin");
      assertThat(cli.exit()).as(cli.toString()).isEqualTo(3);
      assertThat(cli.err()).contains("erin requested this run and cannot approve it");
      var wrong = cli(ERIN, "start", "emergency", "shop", "-s", "P7", "-r", "x", "--monitor-for", "soon");
      assertThat(wrong.exit()).isEqualTo(2);
      assertThat(wrong.err()).contains("severity 'P7' is not valid");
      var injected = cli(ERIN, "start", "emergency", "shop'; drop", "-s", "P0", "-r", "x");
      assertThat(injected.exit()).isEqualTo(2);
      assertThat(injected.err()).contains("is not a valid name");
      refused(post("/api/v1/runs/rollback-shop/reject", ALICE, "application/json", "{\"reason\":\"test over\"}"), 200, "rejected");
    } finally {
      PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.REJECTED);
    }
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v2\"");
  }
}
