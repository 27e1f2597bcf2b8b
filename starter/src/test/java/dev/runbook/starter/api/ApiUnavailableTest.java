package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.starter.client.RunbookClient;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With Temporal unreachable and the rollback log failing, callers get 503s that say so, and
 * Alertmanager gets a 503 it will retry.
 */
class ApiUnavailableTest {
  private final String token = Tokens.newToken();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private WorkflowServiceStubs stubs;
  private ApiServer server;

  @BeforeEach
  void setUp() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget("127.0.0.1:" + closedPort)
        .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(Duration.ofMillis(500)).build())
        .setSystemInfoTimeout(Duration.ofMillis(500))
        .setRpcTimeout(Duration.ofSeconds(1))
        .build());
    RunbookClient runbooks = new RunbookClient(WorkflowClient.newInstance(stubs), "runbook");
    ApiSettings settings = new ApiSettings("127.0.0.1:0", 2,
        List.of(new ApiSettings.PersonEntry("alertmanager", List.of("alerting"), Tokens.sha256Hex(token))),
        null, null,
        List.of(new AlertRoute("errors", Map.of("alertname", "HighErrorRate"), "emergency", "api", null, null,
            null, "P0", null, null, null)));
    server = new ApiServer(settings, runbooks, new ApiServer.Records((limit, service, open, drills) -> {
      throw new IllegalStateException("connection refused");
    }, null, null, null, workflowId -> {
      throw new IllegalStateException("connection refused");
    }), () -> "", () -> false).start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    stubs.shutdownNow();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
    b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void aStartAnswers503SayingTemporalIsNotReachable() throws Exception {
    var r = send("POST", "/api/v1/runs/emergency", """
        {"service": "api", "severity": "P0", "reason": "errors"}""");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).path("error").asText()).isEqualTo("unavailable");
    // A refused connection says "not reachable"; on a loaded machine the call's deadline can pass
    // first, which says "did not answer in time": both name the address and the way out.
    assertThat(json(r).path("message").asText())
        .matches("Temporal (is not reachable|did not answer in time) at 127\\.0\\.0\\.1:\\d+ .*")
        .contains("start it with `runbook dev` in another terminal");
  }

  @Test
  void alertmanagerGetsA503SoItSendsTheAlertsAgain() throws Exception {
    var r = send("POST", "/api/v1/alerts/alertmanager", """
        {"version": "4", "status": "firing", "alerts": [
          {"status": "firing", "labels": {"alertname": "HighErrorRate"}, "annotations": {}}]}""");

    assertThat(r.statusCode()).isEqualTo(503);
    JsonNode result = json(r).path("results").get(0);
    assertThat(result.path("outcome").asText()).isEqualTo("failed");
    assertThat(result.path("message").asText()).startsWith("Temporal is not reachable");
  }

  @Test
  void theListAnswers503WhenTheRollbackLogCannotBeRead() throws Exception {
    var r = send("GET", "/api/v1/runs", null);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).path("message").asText()).isEqualTo("the rollback log cannot be read right now: see the server log");
    assertThat(r.body()).doesNotContain("connection refused");
  }

  @Test
  void theIncidentReportAnswers503WhenTheRollbackLogCannotBeRead() throws Exception {
    var r = send("GET", "/api/v1/runs/rollback-api/report", null);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).path("message").asText()).isEqualTo("the rollback log cannot be read right now: see the server log");
    assertThat(r.body()).doesNotContain("connection refused");
  }

  @Test
  void healthIs503() throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).path("status").asText()).isEqualTo("unavailable");
  }
}
