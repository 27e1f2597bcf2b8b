package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bearer tokens, the public endpoints, and that no token ever shows in an answer or a log line. */
class ApiAuthTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicReference<String> metrics = new AtomicReference<>("runbook_runs_started_total 3\n");
  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client, s -> s, () -> {
      String text = metrics.get();
      if (text == null) {
        throw new IllegalStateException("registry closed");
      }
      return text;
    }, healthy::get);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private ApiHarness.Answer withHeader(String path, String authorization) {
    return api.send(HttpRequest.newBuilder(URI.create(api.url(path))).header("Authorization", authorization).GET());
  }

  @Test
  void aMissingTokenIs401WithTheBearerChallenge() {
    var r = api.get("/api/v1/runs", null);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"runbook\"");
    assertThat(r.error()).isEqualTo("unauthorized");
    assertThat(r.message()).isEqualTo("send Authorization: Bearer <token> (create one with `runbook token new`)");
  }

  @Test
  void aMalformedHeaderIs401() {
    for (String header : List.of("Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer two tokens", "Bearer \"quoted\"")) {
      var r = withHeader("/api/v1/runs", header);
      assertThat(r.status()).as(header).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"runbook\", error=\"invalid_request\"");
      assertThat(r.message()).isEqualTo("the Authorization header is not 'Bearer <token>'");
    }
  }

  @Test
  void theCliClientShowsTheApisAnswerToAnUnknownTokenForAReadAndAnAct() {
    ApiClient cli = new ApiClient(URI.create(api.url("")),
        new ApiClient.Credentials(Tokens.newToken(), false, null));

    for (Runnable call : List.<Runnable>of(
        () -> cli.status("rollback-api"), () -> cli.approve("rollback-api", "alice", null, null))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(dev.runbook.starter.client.RunbookException.Refused.class, e -> {
            assertThat(e.getMessage()).isEqualTo("the token is not known: ask for one with `runbook token new`");
            assertThat(e.exitCode()).isEqualTo(3);
          });
    }
  }

  @Test
  void anUnknownTokenIs401AndStartsNothing() {
    String wrong = Tokens.newToken();
    var r = api.send(HttpRequest.newBuilder(URI.create(api.url("/api/v1/runs/emergency")))
        .header("Authorization", "Bearer " + wrong)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"service\": \"api\", \"severity\": \"P0\", \"reason\": \"x\"}")));

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"runbook\", error=\"invalid_token\"");
    assertThat(r.message()).isEqualTo("the token is not known: ask for one with `runbook token new`");
    assertThat(r.body()).doesNotContain(wrong);
    assertThat(api.world.calls()).isEmpty();
  }

  @Test
  void eachTokenActsAsItsOwnPersonWhateverTheSchemesCase() {
    var r = withHeader("/api/v1/runs", "bearer " + api.tokens.get("carol"));
    assertThat(r.status()).isEqualTo(200);

    var start = api.post("/api/v1/runs/emergency", "bob", """
        {"service": "api", "severity": "P1", "reason": "errors"}""");
    assertThat(start.status()).isEqualTo(201);
    assertThat(api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL).requestedBy()).isEqualTo("bob");
  }

  @Test
  void metricsHealthAndTheDocumentNeedNoToken() {
    var m = api.get("/metrics", null);
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(m.body()).isEqualTo("runbook_runs_started_total 3\n");

    var h = api.get("/healthz", null);
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.json().path("status").asText()).isEqualTo("ok");

    healthy.set(false);
    var down = api.get("/healthz", null);
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.json().path("status").asText()).isEqualTo("unavailable");

    assertThat(api.get("/openapi.json", null).status()).isEqualTo(200);
  }

  @Test
  void aFailureInsideIsA500WithoutAStackTrace() {
    metrics.set(null);

    var r = api.get("/metrics", null);

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.error()).isEqualTo("internal");
    assertThat(r.message()).isEqualTo("internal error: see the server log for request " + r.header("X-Request-Id"));
    assertThat(r.body()).doesNotContain("IllegalStateException", "registry closed", "at dev.runbook");
    assertThat(api.logLines()).anySatisfy(line -> assertThat(line)
        .contains("request " + r.header("X-Request-Id") + " GET /metrics failed")
        .contains("registry closed"));
  }

  @Test
  void noTokenEverAppearsInAnAnswerOrALogLine() {
    List<ApiHarness.Answer> answers = new ArrayList<>();
    String unknown = Tokens.newToken();
    answers.add(withHeader("/api/v1/runs", "Bearer " + unknown));
    answers.add(withHeader("/api/v1/runs", "Bearer " + unknown + " extra"));
    answers.add(withHeader("/api/v1/runs", "Basic " + unknown));
    answers.add(withHeader("/api/v1/runs?token=" + api.tokens.get("alice"), "Bearer " + api.tokens.get("alice")));
    answers.add(withHeader("/api/v1/runs/rollback-nope", "Bearer " + api.tokens.get("alice")));
    answers.add(api.post("/api/v1/runs/emergency", "dave", "{}"));
    answers.add(api.post("/api/v1/runs/emergency", "erin", "{\"service\": \"api\"}"));
    answers.add(api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "errors"}"""));
    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
    answers.add(api.post("/api/v1/runs/rollback-api/approve", "dave", "{}"));
    answers.add(api.post("/api/v1/runs/rollback-api/approve", "erin", "{}"));
    answers.add(api.post("/api/v1/runs/rollback-api/approve", "alice", "{}"));
    metrics.set(null);
    answers.add(withHeader("/metrics", "Bearer " + api.tokens.get("alice")));

    assertThat(answers).extracting(ApiHarness.Answer::status)
        .containsExactly(401, 401, 401, 400, 404, 403, 400, 201, 403, 403, 200, 500);
    List<String> secrets = new ArrayList<>(api.tokens.values());
    secrets.add(unknown);
    List<String> lines = api.logLines();
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("GET /api/v1/runs 401"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("POST /api/v1/runs/rollback-api/approve 403").contains("by dave"));
    for (String secret : secrets) {
      for (ApiHarness.Answer a : answers) {
        assertThat(a.body()).doesNotContain(secret);
        assertThat(a.headers().toString()).doesNotContain(secret);
      }
      for (String line : lines) {
        assertThat(line).doesNotContain(secret);
      }
    }
  }
}
