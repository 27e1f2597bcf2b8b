package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.ActionRecord;
import dev.runbook.workflows.model.Phase;
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

/**
 * Approve, reject, decide and cancel through the API. The acting person is the token's; the run
 * itself judges the vote and its reason comes back with the status.
 */
class ApiVotesTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final String RUN = "/api/v1/runs/rollback-api";

  private ApiHarness api;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  /** erin (on call) asks for a P1 rollback of api, which waits for an engineering lead. */
  private void startP1() {
    var r = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P1", "reason": "checkout errors", "toVersion": "v1", "monitorFor": "PT3M"}""");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    api.awaitPhase("rollback-api", Phase.AWAITING_APPROVAL);
  }

  private java.util.List<String> refusals() {
    return api.status("rollback-api").actions().stream()
        .filter(a -> a.action().startsWith("refused"))
        .map(ActionRecord::actor)
        .toList();
  }

  @Test
  void aLeadsApprovalRunsTheRollback() {
    startP1();

    var r = api.post(RUN + "/approve", "alice", """
        {"comment": "go"}""");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("workflowId").asText()).isEqualTo("rollback-api");
    assertThat(r.message()).contains("approved by alice");
    assertThat(r.json().path("phase").asText()).isEqualTo("executing");
    api.awaitPhase("rollback-api", Phase.MONITORING);
    assertThat(api.world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void aVoteFromTheWrongRoleIs403WithTheRunsReason() {
    startP1();

    var r = api.post(RUN + "/approve", "dave", "{}");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("wrong_role");
    assertThat(r.message()).startsWith("dave").contains("engineering-lead");
    assertThat(refusals()).containsExactly("dave");
    assertThat(api.status("rollback-api").phase()).isEqualTo(Phase.AWAITING_APPROVAL);
  }

  @Test
  void theRequesterApprovingTheirOwnRunIs403() {
    startP1();

    var r = api.post(RUN + "/approve", "erin", "{\"comment\": \"lgtm\"}");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("self_approval");
    assertThat(r.message()).startsWith("erin requested this run and cannot approve it");
  }

  @Test
  void someoneTheRunDoesNotKnowIs403() {
    startP1();

    var r = api.post(RUN + "/approve", ApiHarness.ALERTMANAGER, "{}");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("unknown_person");
    assertThat(r.message()).startsWith("alertmanager is not in the people directory");
  }

  @Test
  void aVoteOnARunThatNoLongerWaitsIs409() {
    startP1();
    assertThat(api.post(RUN + "/approve", "alice", "{}").status()).isEqualTo(200);

    var again = api.post(RUN + "/approve", "alice", "{}");
    var other = api.post(RUN + "/reject", "bob", "{\"reason\": \"too late\"}");

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.error()).isIn("not_waiting", "duplicate_vote");
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.error()).isEqualTo("not_waiting");
    assertThat(other.message()).startsWith("the run is already approved by alice and goes on (phase: ")
        .doesNotContain("awaiting-approval");
  }

  @Test
  void aRejectionNeedsAReasonAndAbortsTheRun() {
    startP1();

    var noReason = api.post(RUN + "/reject", "alice", "{}");
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.json().path("field").asText()).isEqualTo("reason");
    assertThat(noReason.message()).isEqualTo("reason is required: say why");

    var r = api.post(RUN + "/reject", "alice", "{\"reason\": \"wrong version\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    var s = api.awaitPhase("rollback-api", Phase.REJECTED);
    assertThat(s.outcomeMessage()).contains("wrong version");
    assertThat(api.world.services.get("api").version).isEqualTo("v2");
  }

  @Test
  void aDecisionAnswersAStepThatFailedForGood() {
    var started = api.post("/api/v1/runs/emergency", "erin", """
        {"service": "api", "severity": "P0", "reason": "errors", "toVersion": "v9"}""");
    assertThat(started.status()).isEqualTo(201);
    api.awaitPhase("rollback-api", Phase.NEEDS_DECISION);

    var unknownAction = api.post(RUN + "/decide", "erin", "{\"action\": \"redo\"}");
    assertThat(unknownAction.status()).isEqualTo(400);
    assertThat(unknownAction.json().path("field").asText()).isEqualTo("action");
    assertThat(unknownAction.message()).isEqualTo("decision 'redo' is not valid: use retry, skip, compensate or abort");
    var noAction = api.post(RUN + "/decide", "erin", "{}");
    assertThat(noAction.message()).isEqualTo("action is required: use retry, skip, compensate or abort");

    var skip = api.post(RUN + "/decide", "erin", "{\"action\": \"skip\"}");
    assertThat(skip.status()).isEqualTo(409);
    assertThat(skip.error()).isEqualTo("not_allowed");
    assertThat(skip.message()).startsWith("skip is not possible for step resolve-target");
    var developer = api.post(RUN + "/decide", "dave", "{\"action\": \"abort\"}");
    assertThat(developer.status()).isEqualTo(403);
    assertThat(developer.error()).isEqualTo("wrong_role");

    var abort = api.post(RUN + "/decide", "erin", "{\"action\": \"abort\", \"comment\": \"no such version\"}");
    assertThat(abort.status()).as(abort.body()).isEqualTo(200);
    api.awaitPhase("rollback-api", Phase.ABORTED);
    assertThat(api.status("rollback-api").actions())
        .anySatisfy(a -> assertThat(a.actor() + " " + a.action()).startsWith("erin decided").contains("abort"));
  }

  @Test
  void aDecisionWhileNothingFailedIs409() {
    startP1();

    var r = api.post(RUN + "/decide", "alice", "{\"action\": \"retry\"}");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.error()).isEqualTo("not_waiting");
    assertThat(r.message()).isEqualTo("the run is not waiting for a decision (phase: awaiting-approval)");
  }

  @Test
  void aCancelStopsTheRunAndASecondOneIs409() {
    startP1();

    var r = api.post(RUN + "/cancel", "erin", "{\"reason\": \"wrong service\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    api.awaitPhase("rollback-api", Phase.CANCELLED);
    assertThat(api.awaitEnd("rollback-api").outcome()).isEqualTo(Phase.CANCELLED);

    var again = api.post(RUN + "/cancel", "erin", "{}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.error()).isEqualTo("not_waiting");
    assertThat(again.message()).isEqualTo("the run has ended (cancelled): there is nothing left to act on");
  }

  @Test
  void aBodyCannotNameTheActingPerson() {
    startP1();

    var r = api.post(RUN + "/approve", "dave", "{\"person\": \"alice\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("unknown_field");
    assertThat(r.message()).isEqualTo("unknown field 'person': the accepted fields are comment, planHash");
    assertThat(api.status("rollback-api").pendingApproval().approvedBy()).isEmpty();
  }

  @Test
  void aVoteOnAnUnknownRunIs404() {
    var r = api.post("/api/v1/runs/rollback-nope/approve", "alice", "{}");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("unknown_run");
  }
}
