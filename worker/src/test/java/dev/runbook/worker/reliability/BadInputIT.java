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
    assertThat(stack.connection.client().countWorkflows("WorkflowType = 'DatabaseRollback'").getCount()).isZero();
    assertThat(stack.connection.client().countWorkflows("WorkflowType = 'EmergencyRollback'").getCount())
        .as("only the one with the inert reason").isEqualTo(1);
  }

  @Test
  void selfApprovalIsRefusedThroughTheApiAndTheCli() throws Exception {
    try {
      HttpResponse<String> started = post("/api/v1/runs/emergency", ERIN, "application/json",
          "{\"service\":\"shop\",\"severity\":\"P1\",\"reason\":\"needs approval\",\"monitorFor\":\"PT0S\"}");
      assertThat(started.statusCode()).as(started.body()).isIn(201, 409);
      PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.AWAITING_APPROVAL);
      refused(post("/api/v1/runs/rollback-shop/approve", ERIN, "application/json", "{}"), 403, "erin requested this run");
      var cli = ChildJvm.run(stack.env, Duration.ofMinutes(1), "approve", "rollback-shop", "--as", "erin", "--config", stack.config.toString());
      assertThat(cli.exit()).as(cli.toString()).isEqualTo(3);
      assertThat(cli.err()).contains("erin requested this run and cannot approve it");
      var wrong = ChildJvm.run(stack.env, Duration.ofMinutes(1), "start", "emergency", "shop", "-s", "P7", "-r", "x",
          "--monitor-for", "soon", "--config", stack.config.toString());
      assertThat(wrong.exit()).isEqualTo(2);
      assertThat(wrong.err()).contains("severity 'P7' is not valid");
      var injected = ChildJvm.run(stack.env, Duration.ofMinutes(1), "start", "emergency", "shop'; drop", "-s", "P0",
          "-r", "x", "--config", stack.config.toString());
      assertThat(injected.exit()).isEqualTo(2);
      assertThat(injected.err()).contains("is not a valid name");
      refused(post("/api/v1/runs/rollback-shop/reject", ALICE, "application/json", "{\"reason\":\"test over\"}"), 200, "rejected");
    } finally {
      PostgresPersistenceIT.awaitPhase(stack, "rollback-shop", dev.runbook.workflows.model.Phase.REJECTED);
    }
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v2\"");
  }
}
