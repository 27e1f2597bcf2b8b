package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.activities.ChecklistActivities.PlannedItem;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The checklist after a run through the API: read it, tick an item as the token's person; the
 * checklist judges the tick and its reason comes back as the API's usual refusal.
 */
class ApiChecklistTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String CHECKLIST = "/api/v1/runs/rollback-api/checklist";

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  /** A P0 rollback of api whose checklist has two items for engineering leads. */
  private JsonNode rolledBackWithAChecklist() throws InterruptedException {
    api.world.checklists.configure("emergency", Set.of("succeeded"), Duration.ofMinutes(15), Duration.ofMinutes(1),
        Duration.ofHours(24), FakeWorld.people(),
        new PlannedItem("payments", "Payment processing working", Duration.ofHours(1), "engineering-lead", null, null),
        new PlannedItem("review", "Post-incident review scheduled", Duration.ofHours(4), "engineering-lead", null,
            null));
    var r = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P0", "reason": "checkout errors", "toVersion": "v1"}""");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    api.awaitEnd("rollback-api");
    for (int i = 0; i < 100; i++) {
      var c = api.get(CHECKLIST, "dave");
      assertThat(c.status()).as(c.body()).isEqualTo(200);
      if (!c.json().path("status").asText().equals("starting")) {
        return c.json();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the checklist never loaded its items");
  }

  @Test
  void anyoneMayReadTheChecklistAndAnOwnerTicksAnItemWithANote() throws Exception {
    JsonNode c = rolledBackWithAChecklist();

    assertThat(c.path("workflowId").asText()).as("the checklist of this run, not of every run of its ID")
        .matches("checklist-rollback-api-\\d{8}T\\d{9}Z");
    assertThat(c.path("status").asText()).isEqualTo("open");
    assertThat(c.path("items")).extracting(i -> i.path("id").asText()).containsExactly("payments", "review");
    assertThat(c.path("items").get(0).path("state").asText()).isEqualTo("open");

    var r = api.post(CHECKLIST + "/payments/done", "alice", """
        {"note": "card and wallet payments seen"}""");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("doneBy").asText()).isEqualTo("alice");
    assertThat(r.json().path("state").asText()).isEqualTo("done");
    JsonNode after = api.get(CHECKLIST, "dave").json();
    assertThat(after.path("items").get(0).path("note").asText()).isEqualTo("card and wallet payments seen");
  }

  @Test
  void aTickIsRefusedWithTheChecklistsReasonForTheWrongRoleAnUnknownItemAndTwice() throws Exception {
    rolledBackWithAChecklist();

    var wrongRole = api.post(CHECKLIST + "/payments/done", "dave", "{}");
    assertThat(wrongRole.status()).isEqualTo(403);
    assertThat(wrongRole.error()).isEqualTo("wrong_role");
    assertThat(wrongRole.message()).isEqualTo(
        "dave lacks role engineering-lead needed to tick 'payments' (has: developer)");

    var unknown = api.post(CHECKLIST + "/invoices/done", "alice", "{}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.message()).isEqualTo("no item 'invoices' in this checklist: the items are payments, review");

    assertThat(api.post(CHECKLIST + "/payments/done", "alice", "{}").status()).isEqualTo(200);
    var twice = api.post(CHECKLIST + "/payments/done", "bob", "{}");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.error()).isEqualTo("duplicate_vote");
    assertThat(twice.message()).startsWith("'payments' was already done by alice at ");
  }

  @Test
  void aChecklistThatEndedRefusesTicksAndARunWithoutOneIs404() throws Exception {
    String id = rolledBackWithAChecklist().path("workflowId").asText();
    assertThat(api.post(CHECKLIST + "/payments/done", "alice", "{}").status()).isEqualTo(200);
    assertThat(api.post(CHECKLIST + "/review/done", "bob", "{}").status()).isEqualTo(200);
    api.awaitEnd(id);

    var ended = api.post(CHECKLIST + "/review/done", "alice", "{}");
    assertThat(ended.status()).isEqualTo(409);
    assertThat(ended.message()).startsWith("the checklist of rollback-api is done (all 2 items done");

    var none = api.get("/api/v1/runs/rollback-web/checklist", "dave");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.error()).isEqualTo("unknown_run");
    assertThat(none.message()).startsWith("no checklist for rollback-web: none is configured");
  }

  @Test
  void aChecklistTemporalHasForgottenIsReadFromTheRollbackLog() {
    Instant due = Instant.parse("2026-11-27T05:00:00Z");
    api.checklistRows.put("rollback-web", List.of(
        new ChecklistItemState("health", "All services health checks passing", "on-call", null, "health", due,
            "done", "runbook", due.minusSeconds(3000), null, "web healthy at w1", null, null),
        new ChecklistItemState("review", "Post-incident review completed", "engineering-manager", "director", null,
            due.plusSeconds(86400), "overdue", null, null, null, null, due, due.plusSeconds(86400))));

    var r = api.get("/api/v1/runs/rollback-web/checklist", "dave");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("status").asText()).isEqualTo("closed");
    assertThat(r.json().path("message").asText()).isEqualTo("from the rollback log");
    assertThat(r.json().path("items").get(0).path("evidence").asText()).isEqualTo("web healthy at w1");
    assertThat(r.json().path("items").get(1).path("state").asText()).isEqualTo("overdue");
  }
}
