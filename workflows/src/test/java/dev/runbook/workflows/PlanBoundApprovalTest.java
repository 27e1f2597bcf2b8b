package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DatabaseRollbackResult;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an approver approves is the plan the run shows, by its hash: a vote for another hash is
 * refused, and an approval lapses and is asked again when the plan changed before the run acts.
 * A staged restore shows what it discards before any approval counts, and keeps it.
 */
class PlanBoundApprovalTest extends WorkflowTest {

  private WorkflowStub emergency() {
    return Runs.start(client, queue, new EmergencyRollbackRequest(
        "api", Severity.P1, "checkout errors after v2", FakeWorld.REQUESTER, false, null,
        null, false, null, null, Duration.ZERO, null));
  }

  private static String refusal(Runnable update) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(update::run);
    assertThat(t).isInstanceOf(WorkflowUpdateException.class).hasCauseInstanceOf(ApplicationFailure.class);
    return ((ApplicationFailure) t.getCause()).getOriginalMessage();
  }

  private List<Notification> asked() {
    return world.notifications().stream().filter(n -> n.kind() == NotificationKind.APPROVAL_REQUESTED).toList();
  }

  /**
   * The approval requests once {@code done} holds of them (at most 10 s): a run counts votes as soon
   * as its status is ready, and the notification that asks the approvers is an activity just after.
   */
  private List<Notification> askedOnce(java.util.function.Predicate<List<Notification>> done) {
    for (int i = 0; i < 100 && !done.test(asked()); i++) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return asked();
  }

  @Test
  void theApprovalRequestCarriesThePlanAndAVoteForThatHashLetsTheRunGoOn() {
    WorkflowStub run = emergency();
    PendingApproval a = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL).pendingApproval();

    assertThat(a.plan()).containsExactly("api: running v2; deploy v1");
    assertThat(a.planHash()).hasSize(64);
    assertThat(a.lapses()).isZero();
    assertThat(askedOnce(l -> !l.isEmpty())).singleElement().satisfies(n -> assertThat(n.detail())
        .contains("Plan " + a.planHash().substring(0, 12) + " (approve this hash):", "  api: running v2; deploy v1"));

    Receipt r = Runs.approve(run, "alice", a.planHash().substring(0, 12));
    assertThat(r.message()).startsWith("approved by alice for plan " + a.planHash().substring(0, 12));
    RunReport report = Runs.report(run);
    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("api").version).isEqualTo("v1");
    assertThat(world.calls("Plan.plan")).hasSize(2); // when asking, and once more when approved
  }

  @Test
  void aDeployWhileTheRunWaitsLapsesTheApprovalAndTheOldHashIsRefused() {
    WorkflowStub run = emergency();
    PendingApproval first = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL).pendingApproval();
    String oldHash = first.planHash().substring(0, 12);
    world.services.get("api").version = "v3"; // someone deployed a fix meanwhile

    Runs.approve(run, "alice", oldHash); // the plan is only read again once approved
    RunStatus again = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    PendingApproval a = again.pendingApproval();
    assertThat(a.lapses()).isEqualTo(1);
    assertThat(a.approvedBy()).isEmpty();
    assertThat(a.plan()).containsExactly("api: running v3; deploy v1");
    assertThat(a.lapsedBecause()).isEqualTo("was: api: running v2; deploy v1; now: api: running v3; deploy v1");
    assertThat(again.actions()).anySatisfy(x -> {
      assertThat(x.action()).isEqualTo("approval lapsed");
      assertThat(x.detail()).startsWith("approved by alice for plan " + oldHash + "; the plan changed: ");
    });
    assertThat(askedOnce(l -> l.size() >= 2)).hasSize(2).last().satisfies(n -> assertThat(n.detail())
        .startsWith("the approval by alice lapsed: the plan changed since it was approved (was: api: running v2")
        .contains("Plan " + a.planHash().substring(0, 12)));

    assertThat(refusal(() -> Runs.approve(run, "alice", oldHash)))
        .startsWith(RefusalKind.PLAN_CHANGED.name() + ": you looked at plan " + oldHash
            + " but the run's plan is now " + a.planHash().substring(0, 12) + " (was: api: running v2");
    Runs.approve(run, "alice", a.planHash().substring(0, 12)); // the same person votes again on the new plan
    assertThat(Runs.report(run).outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }

  @Test
  void aVoteWithoutAHashApprovesThePlanTheRunHoldsAndARejectionNeedsNoHash() {
    WorkflowStub approved = emergency();
    awaitPhase(testEnv, approved, Phase.AWAITING_APPROVAL);
    assertThat(Runs.approve(approved, "alice").message()).startsWith("approved by alice for plan ");
    assertThat(Runs.report(approved).outcome()).isEqualTo(Phase.SUCCEEDED);

    world.services.get("api").version = "v2";
    WorkflowStub rejected = emergency();
    awaitPhase(testEnv, rejected, Phase.AWAITING_APPROVAL);
    assertThat(refusal(() -> Runs.approve(rejected, "alice", "0123456789ab"))).startsWith("PLAN_CHANGED: ");
    assertThat(Runs.reject(rejected, "alice", "fix forward instead").phase()).isEqualTo(Phase.REJECTED);
  }

  private static DatabaseRollbackRequest restore() {
    return new DatabaseRollbackRequest(
        "api", null, Severity.P1, "orders corrupted by the 02:00 job", FakeWorld.REQUESTER, false,
        null, DatabaseMode.RESTORE, null, null, null, null, null, List.of("api"), null);
  }

  @Test
  void aStagedRestoreShowsWhatItDiscardsBeforeAnyApprovalCountsAndKeepsItBeforeTheSwap() {
    FakeWorld.Database db = world.databases.get("api");
    db.discards = List.of(
        new TableDiscard("public.orders", true, 1204, 0, 0, "updated_at", Instant.parse("2026-11-27T02:14:00Z")),
        new TableDiscard("public.customers", true, 0, 31, 0, null, null));
    FakeWorld.Hold measuring = world.hold("Database.measureDiscard", "api");
    WorkflowStub run = Runs.start(client, queue, restore());

    measuring.awaitEntered();
    RunStatus waiting = status(run);
    assertThat(waiting.phase()).isEqualTo(Phase.AWAITING_APPROVAL);
    assertThat(waiting.pendingApproval().votesWaitFor()).startsWith("the measurement of what the restore discards");
    assertThat(waiting.pendingApproval().plan()).contains("api: swap backup api-nightly (schema 3)", "stop api", "start api");
    assertThat(refusal(() -> Runs.approve(run, "alice")))
        .startsWith(RefusalKind.NOT_WAITING.name() + ": approvals wait for the measurement of what the restore discards");
    measuring.release();

    PendingApproval a = awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL).pendingApproval();
    assertThat(a.discards().tables()).extracting(TableDiscard::table).containsExactly("public.orders", "public.customers");
    String told = "the restore discards public.orders: 1,204 rows newer than the backup (newest updated_at"
        + " 2026-11-27T02:14:00Z); public.customers: 31 rows changed. The rows are kept in salvage_";
    assertThat(askedOnce(l -> l.stream().anyMatch(n -> n.detail().startsWith(told))))
        .last().satisfies(n -> assertThat(n.detail()).startsWith(told));
    Runs.approve(run, "alice", a.planHash());
    DatabaseRollbackResult result = run.getResult(DatabaseRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    List<String> order = world.calls().stream().map(c -> c.split(" ")[0])
        .filter(c -> c.startsWith("Database.") || c.startsWith("Service.stop") || c.startsWith("Plan.")).toList();
    assertThat(order).containsSubsequence("Database.restoreStaged", "Database.measureDiscard", "Plan.plan",
        "Database.measureDiscard", "Service.stop", "Database.measureDiscard", "Database.swap");
    assertThat(result.report().steps()).extracting(s -> s.id())
        .containsSubsequence("measure-discard", "catch-up", "stop-writers", "salvage", "swap");
    assertThat(result.report().steps()).filteredOn(s -> s.id().equals("catch-up")).singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith("the restore discards public.orders: 1,204 rows"));
    assertThat(result.report().steps()).filteredOn(s -> s.id().equals("salvage")).singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith("kept 1,235 rows the restore discards from 2 table(s) in salvage_"));
    assertThat(result.report().steps()).filteredOn(s -> s.id().equals("measure-discard")).singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith(told));
  }
}
