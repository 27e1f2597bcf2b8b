package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recording deploys and reading the release ledger over HTTP: the wire, identity and input. */
class ApiReleasesTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  @Test
  void aRecordedDeployAnswers201AndTheSameOneAgain200() {
    var first = api.post("/api/v1/deploys", "dave", """
        {"service": "api", "version": "v7", "schemaVersion": "12", "verified": true, "key": "build-77"}""");
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.json().path("version").asText()).isEqualTo("v7");
    assertThat(first.json().path("deployedBy").asText()).as("the token's person records it").isEqualTo("dave");
    assertThat(first.json().path("schemaVersion").asText()).isEqualTo("12");

    var again = api.post("/api/v1/deploys", "dave", """
        {"service": "api", "version": "v7", "key": "build-77"}""");
    assertThat(again.status()).isEqualTo(200);

    var list = api.get("/api/v1/releases?service=api", "erin");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().path("releases")).hasSize(1);
    assertThat(list.json().path("releases").get(0).path("version").asText()).isEqualTo("v7");
  }

  @Test
  void aDeployOfAServiceTheWorkersDoNotRunIs422AndMalformedInputIs400() {
    var unknown = api.post("/api/v1/deploys", "dave", """
        {"service": "chekout", "version": "v7"}""");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.message()).contains("no service 'chekout' is configured").contains("api, web");

    var noVersion = api.post("/api/v1/deploys", "dave", """
        {"service": "api"}""");
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.message()).contains("version is required");

    var badKey = api.post("/api/v1/deploys", "dave", """
        {"service": "api", "version": "v7", "key": "a key with spaces"}""");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(badKey.json().path("field").asText()).isEqualTo("key");

    var noService = api.get("/api/v1/releases", "dave");
    assertThat(noService.status()).isEqualTo(400);
    assertThat(noService.message()).contains("?service=NAME");
    assertThat(api.releases.history("api", 10)).isEmpty();
  }

  @Test
  void withoutATokenNothingIsRecorded() {
    var anonymous = api.post("/api/v1/deploys", null, """
        {"service": "api", "version": "v7"}""");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(api.releases.history("api", 10)).isEmpty();
  }
}
