package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.starter.SampleDrills;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/drills} and {@code GET /api/v1/drills/{id}} on the real server, read as the
 * CLI reads them through {@link ApiClient}; and drills' runs in the rollback log's JSON.
 */
class ApiDrillsTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String DRILLS = "/api/v1/drills";
  private static final Instant T = Instant.parse("2026-11-20T09:00:00Z");

  private ApiHarness api;
  private DrillLogEntry met;
  private DrillLogEntry missed;
  private DrillLogEntry cart;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
    met = SampleDrills.rolledBack("checkout-staging", "00000002", T.plusSeconds(7200), Duration.ofSeconds(80));
    cart = SampleDrills.notDetected("cart-staging", "00000003", T.plusSeconds(3600));
    missed = SampleDrills.rolledBack("checkout-staging", "00000001", T, Duration.ofMinutes(13));
    api.drills.rows.addAll(List.of(met, cart, missed));
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private ApiClient client(String person) {
    return new ApiClient(URI.create(api.url("")), new ApiClient.Credentials(api.tokens.get(person), false, null));
  }

  @Test
  void theDrillsComeNewestFirstOptionallyOfOneTarget() {
    var all = api.get(DRILLS, "dave");
    var checkout = api.get(DRILLS + "?target=checkout-staging&limit=1", "dave");

    assertThat(all.status()).as(all.body()).isEqualTo(200);
    JsonNode rows = all.json().path("drills");
    assertThat(rows).extracting(n -> n.path("workflowId").asText()).containsExactly(
        "drill-checkout-staging-00000002", "drill-cart-staging-00000003", "drill-checkout-staging-00000001");
    JsonNode first = rows.get(0);
    assertThat(first.path("target").asText()).isEqualTo("checkout-staging");
    assertThat(first.path("outcome").asText()).isEqualTo("rolled-back");
    assertThat(first.path("slaMet").asBoolean()).isTrue();
    assertThat(first.path("startedAt").asText()).isEqualTo("2026-11-20T11:00:00Z");
    assertThat(first.path("report").path("outcome").asText()).isEqualTo("ROLLED_BACK");
    assertThat(checkout.json().path("drills")).extracting(n -> n.path("workflowId").asText())
        .containsExactly("drill-checkout-staging-00000002");

    var badTarget = api.get(DRILLS + "?target=Checkout%20Staging", "dave");
    assertThat(badTarget.status()).isEqualTo(400);
    assertThat(badTarget.json().path("field").asText()).isEqualTo("target");
    assertThat(api.get(DRILLS, null).status()).isEqualTo(401);
  }

  @Test
  void oneDrillWithItsReportAndAnUnknownOneIsA404NamingIt() {
    var one = api.get(DRILLS + "/drill-checkout-staging-00000001", "dave");
    var unknown = api.get(DRILLS + "/drill-nowhere-12345678", "dave");
    var notADrill = api.get(DRILLS + "/rollback-api", "dave");

    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().path("slaMet").asBoolean()).isFalse();
    assertThat(one.json().path("report").path("slaDifference").isMissingNode()).isFalse();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown_drill");
    assertThat(unknown.message()).contains("'drill-nowhere-12345678'");
    assertThat(notADrill.status()).isEqualTo(404);
    assertThat(notADrill.message()).contains("'rollback-api'");
  }

  @Test
  void theCliReadsTheDrillsThroughTheApiAsStored() {
    ApiClient client = client("dave");

    assertThat(client.recent(10, null)).containsExactly(met, cart, missed);
    assertThat(client.recent(10, "cart-staging")).containsExactly(cart);
    assertThat(client.find("drill-checkout-staging-00000001")).contains(missed);
    assertThat(client.find("drill-checkout-staging-00000001").orElseThrow().report().verdict())
        .isEqualTo("SLA MISSED by 3m: rolled back in 13m of 10m");
    assertThat(client.find("drill-nowhere-12345678")).isEmpty();
  }

  @Test
  void theRollbackLogCarriesTheDrillAndCanLeaveDrillsRunsOut() {
    api.rollbackLog.drillRuns.add(new RollbackLogEntry("rollback-checkout-staging", "r2", "emergency", "P1",
        List.of("checkout-staging"), T, T.plusSeconds(80), "v9-broken", "v8", "DRILL checkout", "erin", null, false,
        80_000L, "succeeded", "rolled back", false, null, "drill-checkout-staging-00000001"));

    JsonNode all = api.get("/api/v1/runs", "dave").json().path("runs");
    JsonNode real = api.get("/api/v1/runs?drills=false", "dave").json().path("runs");

    assertThat(all).singleElement().satisfies(r ->
        assertThat(r.path("drill").asText()).isEqualTo("drill-checkout-staging-00000001"));
    assertThat(real).isEmpty();
    assertThat(client("dave").recent(10, null, false, false)).isEmpty();
    assertThat(client("dave").recent(10, null, false)).extracting(RollbackLogEntry::drill)
        .containsExactly("drill-checkout-staging-00000001");
    assertThat(api.get("/api/v1/runs?drills=no", "dave").message()).startsWith("drills must be true or false");
  }
}
