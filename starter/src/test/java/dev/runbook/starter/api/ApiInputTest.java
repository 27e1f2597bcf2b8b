package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies and paths the API must refuse, each with an error naming the problem and nothing
 * started: every test ends with FakeWorld having seen no call at all.
 */
class ApiInputTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String EMERGENCY = "/api/v1/runs/emergency";

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void nothingStarted() {
    try {
      assertThat(api.world.calls()).isEmpty();
    } finally {
      api.close();
    }
  }

  @Test
  void malformedJsonIsNamedWithItsLineAndColumn() {
    var r = api.post(EMERGENCY, "erin", "{\"service\": \"api\",\n \"severity\": P1}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_json");
    assertThat(r.message()).startsWith("the body is not valid JSON at line 2, column ");
    assertThat(r.body()).doesNotContain("at com.fasterxml", "Exception");
  }

  @Test
  void aBodyThatIsNoObjectOrHasTrailingDataIsRefused() {
    assertThat(api.post(EMERGENCY, "erin", "[1, 2]").message()).isEqualTo("the body must be a JSON object");
    var trailing = api.post(EMERGENCY, "erin", "{\"service\": \"api\"} {}");
    assertThat(trailing.status()).isEqualTo(400);
    assertThat(trailing.error()).isEqualTo("invalid_json");
    var duplicate = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P0", "reason": "x", "service": "web"}""");
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.message()).contains("Duplicate field 'service'");
  }

  @Test
  void anUnknownFieldIsRefusedNamingItAndTheAcceptedOnes() {
    var r = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "rollbackTo": "v1"}""");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("unknown_field");
    assertThat(r.json().path("field").asText()).isEqualTo("rollbackTo");
    assertThat(r.message()).isEqualTo("unknown field 'rollbackTo': the accepted fields are armFor, armingAlert,"
        + " configOnly, database, dryRun, force, incidentId, monitorFor, notBefore, reason, requestedBy, service,"
        + " severity, toMigration, toVersion, withConfig, withDatabase");
  }

  @Test
  void aWrongSeverityOrDurationNamesTheFieldAndWhatIsAccepted() {
    var severity = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P5", "reason": "errors"}""");
    assertThat(severity.status()).isEqualTo(400);
    assertThat(severity.json().path("field").asText()).isEqualTo("severity");
    assertThat(severity.message()).isEqualTo("severity 'P5' is not valid: use P0 (no approval), P1 or P2");

    var duration = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "monitorFor": "ten minutes"}""");
    assertThat(duration.status()).isEqualTo(400);
    assertThat(duration.json().path("field").asText()).isEqualTo("monitorFor");
    assertThat(duration.message()).isEqualTo(
        "monitorFor 'ten minutes' is not valid: use an ISO-8601 duration such as PT15M (15 minutes) or PT1H");

    var tooLong = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "monitorFor": "PT48H"}""");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().path("problems").toString()).contains("monitorFor PT48H is out of range: use 0 to PT24H");

    var mode = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "mode": "drop"}""");
    assertThat(mode.json().path("field").asText()).isEqualTo("mode");
    assertThat(mode.message()).isEqualTo("database mode 'drop' is not valid: use revert or restore (or leave it out)");
  }

  @Test
  void wrongTypesNameTheFieldAndTheTypeExpected() {
    var number = api.post(EMERGENCY, "erin", """
        {"service": 7, "severity": "P0", "reason": "errors"}""");
    assertThat(number.json().path("field").asText()).isEqualTo("service");
    assertThat(number.message()).isEqualTo("service '7' is not valid: use a string");

    var flag = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "dryRun": "yes"}""");
    assertThat(flag.json().path("field").asText()).isEqualTo("dryRun");
    assertThat(flag.message()).isEqualTo("dryRun is not valid: use true or false");

    var list = api.post("/api/v1/runs/full", "erin", """
        {"environment": "prod", "services": "api", "severity": "P0", "reason": "errors"}""");
    assertThat(list.json().path("field").asText()).isEqualTo("services");
    assertThat(list.message()).isEqualTo("services is not valid: use a list, e.g. [\"api\"]");

    var nested = api.post("/api/v1/runs/full", "erin", """
        {"environment": "prod", "severity": "P0", "reason": "errors", "toVersions": {"api": 2}}""");
    assertThat(nested.json().path("field").asText()).isEqualTo("toVersions.api");
  }

  @Test
  void invalidValuesAreListedAsTheRequestsProblems() {
    var r = api.post(EMERGENCY, "erin", """
        {"service": "", "severity": "P1", "reason": " ", "notBefore": "2030-01-01T00:00:00Z"}""");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_request");
    assertThat(r.json().path("problems")).extracting(n -> n.asText()).containsExactly(
        "service is required",
        "reason is required: say why this rollback is needed",
        "notBefore is only for P2 runs: drop it or use severity P2");
    assertThat(r.message()).startsWith("invalid emergency request: service is required; ");
  }

  @Test
  void injectionAttemptsInStringFieldsAreRefused() {
    var version = api.post(EMERGENCY, "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "toVersion": "v1; rm -rf /"}""");
    assertThat(version.status()).isEqualTo(400);
    assertThat(version.json().path("problems").toString())
        .contains("toVersion 'v1; rm -rf /' is not a valid version");

    var service = api.post(EMERGENCY, "erin", """
        {"service": "api\\"; drop table runs; --", "severity": "P0", "reason": "errors"}""");
    assertThat(service.status()).isEqualTo(400);
    assertThat(service.json().path("problems").get(0).asText())
        .startsWith("service 'api\"; drop table runs; --' is not a valid name");

    var migration = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P0", "reason": "x", "toMigration": "2$(reboot)"}""");
    assertThat(migration.json().path("problems").toString()).contains("is not a migration version");

    var stop = api.post("/api/v1/runs/database", "erin", """
        {"service": "api", "severity": "P0", "reason": "x", "stopServices": ["web", "../etc"]}""");
    assertThat(stop.json().path("problems").toString()).contains("stopServices[] '../etc' is not a valid name");

    var environment = api.post("/api/v1/runs/full", "erin", """
        {"environment": "prod`id`", "severity": "P0", "reason": "x"}""");
    assertThat(environment.json().path("problems").toString()).contains("environment 'prod`id`' is not a valid name");

    var control = api.post(EMERGENCY, "erin", """
        {"service": "api\\u0000\\n", "severity": "P0", "reason": "x"}""");
    assertThat(control.json().path("problems").get(0).asText()).startsWith("service 'api??' is not a valid name");
  }

  @Test
  void anOversizedBodyIs413WhetherItsLengthIsDeclaredOrNot() {
    byte[] big = ("{\"reason\": \"" + "x".repeat(100 * 1024) + "\"}").getBytes();

    var declared = api.post(EMERGENCY, "erin", "application/json", HttpRequest.BodyPublishers.ofByteArray(big));
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.error()).isEqualTo("body_too_large");
    assertThat(declared.message()).isEqualTo("the body is " + big.length + " bytes: the limit is 65536 bytes");

    var chunked = api.post(EMERGENCY, "erin", "application/json",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.message()).isEqualTo("the body is more than 65536 bytes: the limit is 65536 bytes");
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    var form = api.post(EMERGENCY, "erin", "application/x-www-form-urlencoded",
        HttpRequest.BodyPublishers.ofString("service=api&severity=P0"));
    assertThat(form.status()).isEqualTo(415);
    assertThat(form.error()).isEqualTo("unsupported_media_type");
    assertThat(form.message()).isEqualTo(
        "send the body as JSON with Content-Type: application/json (got application/x-www-form-urlencoded)");

    var none = api.post(EMERGENCY, "erin", null, HttpRequest.BodyPublishers.ofString("{}"));
    assertThat(none.status()).isEqualTo(415);
  }

  @Test
  void aWrongMethodIs405WithAllowAndAnUnknownPathIs404() {
    var get = api.get(EMERGENCY, "erin");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.header("Allow")).isEqualTo("POST");
    assertThat(get.message()).isEqualTo("method GET is not allowed here: use POST");

    var delete = api.send(HttpRequest.newBuilder(URI.create(api.url("/api/v1/runs/rollback-api"))).DELETE());
    assertThat(delete.status()).isEqualTo(405);
    assertThat(delete.header("Allow")).isEqualTo("GET");
    assertThat(delete.json().path("error").asText()).isEqualTo("method_not_allowed");

    for (String path : List.of("/", "/api/v2/runs", "/api/v1/runs/rollback-api/approve/now", "/api/v1/runs/")) {
      var r = api.get(path, "erin");
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.error()).isEqualTo("not_found");
      assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    }
  }
}
