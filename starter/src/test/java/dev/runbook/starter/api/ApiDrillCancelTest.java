package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/drills/{id}/cancel} on the real server, against a drill of the fake world's
 * api service that waits for an alert (so it is still going when the cancel comes).
 */
class ApiDrillCancelTest {
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

  private String waitingDrill() {
    String id = api.startDrill("\"detection\": \"alert\"");
    api.awaitDrillProgress(id, "waiting for");
    return id;
  }

  private ApiClient client(String person) {
    return new ApiClient(URI.create(api.url("")), new ApiClient.Credentials(api.tokens.get(person), false, null));
  }

  @Test
  void aCancelIsTheTokensPersonsAndTheDrillReportsItThenRefusesAnother() {
    String id = waitingDrill();

    var cancel = api.post("/api/v1/drills/" + id + "/cancel", "dave", "{\"reason\": \"staging is needed for a demo\"}");

    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    assertThat(cancel.json().path("workflowId").asText()).isEqualTo(id);
    assertThat(cancel.json().path("message").asText())
        .startsWith("cancelling: ").contains("staging is put back", "cancelled by dave");
    var report = api.get("/api/v1/drills/" + id + "/report?wait=60", "dave");
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.json().path("outcome").asText()).isEqualTo("CANCELLED");
    assertThat(report.json().path("cancelledBy").asText()).contains("dave");
    assertThat(report.json().path("restored").asBoolean()).isTrue();
    assertThat(api.world.services.get("api").version).isEqualTo("v2");

    var again = api.post("/api/v1/drills/" + id + "/cancel", "dave", "{}");
    assertThat(again.status()).as(again.body()).isEqualTo(409);
    assertThat(again.message()).isEqualTo("drill " + id + " has ended: there is nothing left to cancel; its report:"
        + " runbook drills show " + id);
  }

  @Test
  void aPersonWhoIsNotTheTokensOrHasNoTokenCancelsNothing() {
    String id = waitingDrill();

    var impostor = catchThrowableOfType(() -> client("dave").drills().cancelDrill(id, "alice", "not mine"),
        RunbookException.Refused.class);
    var noToken = api.post("/api/v1/drills/" + id + "/cancel", null, "{}");
    var unknownToken = api.send(java.net.http.HttpRequest.newBuilder(URI.create(api.url("/api/v1/drills/" + id + "/cancel")))
        .header("Authorization", "Bearer not-a-known-token").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(impostor.kind()).isEqualTo(RefusalKind.UNKNOWN_PERSON);
    assertThat(impostor.getMessage()).contains("your token is dave's", "'alice'");
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(unknownToken.status()).isEqualTo(401);
    assertThat(api.awaitDrillProgress(id, "waiting for")).as("still waiting").startsWith("waiting for");

    Receipt r = client("dave").drills().cancelDrill(id, null, "done for today");
    assertThat(r.message()).contains("cancelled by dave");
  }

  @Test
  void anUnknownDrillIs404NamingItAndHowToListDrills() {
    var unknown = api.post("/api/v1/drills/drill-nowhere-12345678/cancel", "dave", "{}");
    var notADrill = api.post("/api/v1/drills/rollback-api/cancel", "dave", "{}");

    assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
    assertThat(unknown.message()).isEqualTo("no drill drill-nowhere-12345678: check the ID with `runbook drills`"
        + " (GET /api/v1/drills)");
    assertThat(notADrill.status()).isEqualTo(404);
    assertThat(notADrill.message()).startsWith("'rollback-api' is not a drill ID").contains("runbook drills");
    var fromCli = catchThrowableOfType(() -> client("dave").drills().cancelDrill("drill-nowhere-12345678", null, null),
        RunbookException.UnknownRun.class);
    assertThat(fromCli.exitCode()).isEqualTo(5);
  }
}
