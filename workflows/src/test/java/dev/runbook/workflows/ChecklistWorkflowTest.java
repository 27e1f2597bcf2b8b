package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.ChecklistActivities.PlannedItem;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.ChecklistDone;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.WorkflowIds;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checklist after a run, on the time-skipping server: deadlines, reminders, checks, ticks. */
class ChecklistWorkflowTest extends WorkflowTest {

  private static EmergencyRollbackRequest emergency(Severity severity) {
    return new EmergencyRollbackRequest("api", severity, "checkout errors after v2", FakeWorld.REQUESTER, false,
        "INC-7", null, false, null, null, null, null);
  }

  private void configure(Set<String> after, Duration closeAfter, PlannedItem... items) {
    world.checklists.configure("emergency", after, Duration.ofMinutes(15), Duration.ofMinutes(1), closeAfter,
        FakeWorld.people(), items);
  }

  private static PlannedItem manual(String id, String title, Duration within, String owner) {
    return new PlannedItem(id, title, within, owner, null, null);
  }

  /** The checklist the latest run of {@code run} started: its actions name it. */
  private String checklistOf(String run) {
    RunStatus s = client.newUntypedWorkflowStub(run).query("status", RunStatus.class);
    return s.actions().stream().filter(a -> a.action().equals("checklist started")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(run + " started no checklist: " + s.actions())).detail();
  }

  private ChecklistWorkflow checklist(String id) {
    return client.newWorkflowStub(ChecklistWorkflow.class, id);
  }

  /** The checklist once it has loaded its items (it starts as the run ends). */
  private ChecklistState loaded(String id) {
    for (int i = 0; i < 60; i++) {
      ChecklistState s = checklist(id).checklist();
      if (!ChecklistState.STARTING.equals(s.status())) {
        return s;
      }
      testEnv.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError(id + " never loaded its items");
  }

  private ChecklistItemState item(String id) {
    return loaded(checklistOf("rollback-api")).items().stream().filter(i -> i.id().equals(id)).findFirst()
        .orElseThrow();
  }

  private List<Notification> sent(NotificationKind kind) {
    return world.notifications().stream().filter(n -> n.kind() == kind).toList();
  }

  private WorkflowExecutionStatus statusOf(String workflowId) {
    return testEnv.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(testEnv.getNamespace())
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build()).getWorkflowExecutionInfo().getStatus();
  }

  private String runIdOf(String workflowId) {
    return testEnv.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(testEnv.getNamespace())
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build()).getWorkflowExecutionInfo().getExecution().getRunId();
  }

  private static RefusalKind refusal(Throwable t, String containing) {
    assertThat(t).isInstanceOf(WorkflowUpdateException.class);
    String message = ((ApplicationFailure) t.getCause()).getOriginalMessage();
    assertThat(message).contains(containing);
    return RefusalKind.parse(message).kind();
  }

  @Test
  void aManualItemIsRemindedBeforeItsDeadlineThenEscalatedOnceAndTheChecklistOutlivesTheRun() {
    configure(Set.of("succeeded"), Duration.ofHours(24), manual("root-cause", "Identify root cause",
        Duration.ofHours(1), "developer"));
    WorkflowStub run = Runs.start(client, queue, emergency(Severity.P1));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    Runs.approve(run, "alice");
    run.getResult(EmergencyRollbackResult.class);

    assertThat(statusOf("rollback-api")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(statusOf(checklistOf("rollback-api"))).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    ChecklistItemState open = item("root-cause");
    assertThat(open.state()).isEqualTo("open");
    assertThat(open.escalateTo()).isEqualTo("engineering-manager"); // the P1 policy's escalation path

    testEnv.sleep(Duration.ofMinutes(40));
    assertThat(sent(NotificationKind.CHECKLIST_REMINDER)).isEmpty();
    testEnv.sleep(Duration.ofMinutes(10));
    assertThat(sent(NotificationKind.CHECKLIST_REMINDER)).singleElement().satisfies(n -> {
      assertThat(n.audience()).isEqualTo(Audience.APPROVERS);
      assertThat(n.target()).isEqualTo("developer");
      assertThat(n.workflowId()).isEqualTo("rollback-api");
      assertThat(n.detail()).contains("root-cause \"Identify root cause\"", "runbook done rollback-api ITEM");
    });
    assertThat(sent(NotificationKind.CHECKLIST_OVERDUE)).isEmpty();

    testEnv.sleep(Duration.ofMinutes(15));
    assertThat(sent(NotificationKind.CHECKLIST_OVERDUE)).singleElement().satisfies(n -> {
      assertThat(n.audience()).isEqualTo(Audience.ESCALATION);
      assertThat(n.target()).isEqualTo("engineering-manager");
    });
    assertThat(item("root-cause").state()).isEqualTo("overdue");
    assertThat(world.checklists.row(checklistOf("rollback-api"), "root-cause").escalatedAt()).isNotNull();
    testEnv.sleep(Duration.ofHours(3));
    assertThat(sent(NotificationKind.CHECKLIST_OVERDUE)).hasSize(1);
    assertThat(sent(NotificationKind.CHECKLIST_REMINDER)).hasSize(1);

    // Once escalated, the role it escalated to may tick it too.
    ChecklistItemState done = checklist(checklistOf("rollback-api")).done(new ChecklistDone("carol", "root-cause", "bad index"));
    assertThat(done.doneBy()).isEqualTo("carol");
    ChecklistState end = WorkflowStub.fromTyped(checklist(checklistOf("rollback-api"))).getResult(ChecklistState.class);
    assertThat(end.status()).isEqualTo(ChecklistState.DONE);
    assertThat(world.checklists.row(checklistOf("rollback-api"), "root-cause").note()).isEqualTo("bad index");
    assertThat(sent(NotificationKind.CHECKLIST_DONE)).singleElement()
        .satisfies(n -> assertThat(n.detail()).isEqualTo("all 1 items done: root-cause by carol"));
  }

  @Test
  void automaticItemsAreTickedByTheirChecksAndTheChecklistEndsWithTheSummaryWhenAllAreDone() {
    configure(Set.of("succeeded"), Duration.ofHours(24),
        new PlannedItem("health", "Health checks passing", Duration.ofHours(1), "on-call", null, "health"),
        new PlannedItem("smoke", "Smoke tests passing", Duration.ofHours(1), "on-call", null, "smoke checks"),
        manual("customers", "Customer communication sent", Duration.ofHours(4), "engineering-lead"));
    world.checklists.passes("health", true);
    Runs.start(client, queue, emergency(Severity.P0)).getResult(EmergencyRollbackResult.class);

    testEnv.sleep(Duration.ofSeconds(30));
    assertThat(item("health").doneBy()).isEqualTo("runbook");
    assertThat(item("health").evidence()).isEqualTo("health passed");
    assertThat(item("smoke").state()).isEqualTo("open");
    assertThat(item("smoke").evidence()).isEqualTo("smoke failed");

    world.checklists.passes("smoke", true);
    testEnv.sleep(Duration.ofMinutes(2));
    assertThat(item("smoke").doneBy()).isEqualTo("runbook");
    assertThat(world.checklists.checked()).containsOnlyOnce("health"); // a ticked item is not checked again
    assertThat(checklist(checklistOf("rollback-api")).checklist().status()).isEqualTo(ChecklistState.OPEN);

    checklist(checklistOf("rollback-api")).done(new ChecklistDone("alice", "customers", null));
    ChecklistState end = WorkflowStub.fromTyped(checklist(checklistOf("rollback-api"))).getResult(ChecklistState.class);
    assertThat(end.status()).isEqualTo(ChecklistState.DONE);
    assertThat(end.items()).allMatch(ChecklistItemState::done);
    assertThat(sent(NotificationKind.CHECKLIST_DONE)).singleElement().satisfies(n -> assertThat(n.detail())
        .isEqualTo("all 3 items done: health by runbook, smoke by runbook, customers by alice"));
    assertThat(sent(NotificationKind.CHECKLIST_OVERDUE)).isEmpty();
  }

  @Test
  void aCheckThatKeepsFailingPastTheDeadlineEscalatesAndTheChecklistClosesWithItOpen() {
    configure(Set.of("succeeded"), Duration.ofHours(2),
        new PlannedItem("error-rate", "Error rate < 1%", Duration.ofHours(1), "on-call", "engineering-manager",
            "error rate below 1%"));
    Runs.start(client, queue, emergency(Severity.P0)).getResult(EmergencyRollbackResult.class);

    ChecklistState end = WorkflowStub.fromTyped(checklist(checklistOf("rollback-api"))).getResult(ChecklistState.class);

    assertThat(end.status()).isEqualTo(ChecklistState.CLOSED);
    assertThat(end.message()).startsWith("closed with 1 open: error-rate \"Error rate < 1%\"");
    assertThat(sent(NotificationKind.CHECKLIST_OVERDUE)).singleElement()
        .satisfies(n -> assertThat(n.target()).isEqualTo("engineering-manager"));
    assertThat(sent(NotificationKind.CHECKLIST_CLOSED)).extracting(Notification::audience)
        .containsExactly(Audience.TEAM);
    // Checked every minute for its hour, then every 15 minutes until it closed two hours later.
    assertThat(world.checklists.checked()).hasSizeBetween(60 + 7, 60 + 10);
    assertThat(world.checklists.row(checklistOf("rollback-api"), "error-rate").state()).isEqualTo("overdue");
  }

  @Test
  void aCancelledRunGetsItsChecklistWhenAfterNamesCancelled() {
    configure(Set.of("succeeded", "cancelled"), Duration.ofHours(24),
        manual("review", "Post-mortem scheduled", Duration.ofHours(4), "engineering-lead"));
    WorkflowStub run = Runs.start(client, queue, emergency(Severity.P1));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    Runs.cancel(run, "alice");
    run.getResult(EmergencyRollbackResult.class);

    ChecklistState state = loaded(checklistOf("rollback-api"));
    assertThat(state.status()).isEqualTo(ChecklistState.OPEN);
    assertThat(state.items()).extracting(ChecklistItemState::id).containsExactly("review");
  }

  @Test
  void aCancelledRunGetsNoChecklistWhenAfterNamesOnlySucceeded() {
    configure(Set.of("succeeded"), Duration.ofHours(24),
        manual("review", "Post-mortem scheduled", Duration.ofHours(4), "engineering-lead"));
    WorkflowStub run = Runs.start(client, queue, emergency(Severity.P1));
    awaitPhase(testEnv, run, Phase.AWAITING_APPROVAL);
    Runs.cancel(run, "alice");
    run.getResult(EmergencyRollbackResult.class);

    // The run read the plan itself and started no child: the reason is among its actions.
    RunStatus s = client.newUntypedWorkflowStub("rollback-api").query("status", RunStatus.class);
    assertThat(s.actions()).noneMatch(a -> a.action().equals(ChecklistWorkflow.STARTED_ACTION));
    assertThat(s.actions()).filteredOn(a -> a.action().equals(ChecklistWorkflow.NONE_ACTION)).singleElement()
        .satisfies(a -> assertThat(a.detail())
            .isEqualTo("the run ended cancelled, which checklists.emergency.after leaves out"));
    assertThat(world.checklists.writes()).isZero();
  }

  @Test
  void aRunWithNoChecklistConfiguredStartsNoChildAndSaysWhy() {
    Runs.start(client, queue, emergency(Severity.P0)).getResult(EmergencyRollbackResult.class);

    RunStatus s = client.newUntypedWorkflowStub("rollback-api").query("status", RunStatus.class);
    assertThat(s.actions()).noneMatch(a -> a.action().equals(ChecklistWorkflow.STARTED_ACTION));
    assertThat(s.actions()).filteredOn(a -> a.action().equals(ChecklistWorkflow.NONE_ACTION)).singleElement()
        .satisfies(a -> assertThat(a.detail()).isEqualTo("no checklist is configured for emergency"));
    assertThat(world.checklists.writes()).isZero();
  }

  @Test
  void aTickIsRefusedForTheWrongRoleAnUnknownItemAndASecondTimeWithTheReason() {
    configure(Set.of("succeeded"), Duration.ofHours(24),
        manual("payments", "Payment processing verified", Duration.ofHours(1), "engineering-lead"),
        manual("orders", "Order flow tested", Duration.ofHours(1), "engineering-lead"));
    Runs.start(client, queue, emergency(Severity.P0)).getResult(EmergencyRollbackResult.class);
    ChecklistWorkflow c = checklist(checklistOf("rollback-api"));
    loaded(checklistOf("rollback-api"));

    assertThat(refusal(catchThrowable(() -> c.done(new ChecklistDone("dave", "payments", null))),
        "dave lacks role engineering-lead needed to tick 'payments' (has: developer)"))
        .isEqualTo(RefusalKind.WRONG_ROLE);
    assertThat(refusal(catchThrowable(() -> c.done(new ChecklistDone("alice", "invoices", null))),
        "no item 'invoices' in this checklist: the items are payments, orders"))
        .isEqualTo(RefusalKind.INVALID);
    assertThat(refusal(catchThrowable(() -> c.done(new ChecklistDone("mallory", "payments", null))),
        "mallory is not in the people directory")).isEqualTo(RefusalKind.UNKNOWN_PERSON);
    c.done(new ChecklistDone("alice", "payments", "card and wallet"));
    assertThat(refusal(catchThrowable(() -> c.done(new ChecklistDone("bob", "payments", null))),
        "'payments' was already done by alice at ")).isEqualTo(RefusalKind.DUPLICATE_VOTE);
    assertThat(item("payments").note()).isEqualTo("card and wallet");
    assertThat(item("orders").done()).isFalse();
  }

  @Test
  void theNextRunOfTheSameIdGetsAChecklistOfItsOwnWhileTheFirstGoesOn() {
    configure(Set.of("succeeded"), Duration.ofHours(24),
        manual("review", "Post-mortem scheduled", Duration.ofHours(4), "engineering-lead"),
        manual("report", "Incident report published", Duration.ofHours(24), "engineering-lead"));
    Runs.start(client, queue, emergency(Severity.P0)).getResult(EmergencyRollbackResult.class);
    String first = checklistOf("rollback-api");
    loaded(first);
    checklist(first).done(new ChecklistDone("alice", "review", "first incident's review"));

    EmergencyRollbackResult second = Runs.start(client, queue, emergency(Severity.P0))
        .getResult(EmergencyRollbackResult.class);
    String next = checklistOf("rollback-api");

    assertThat(second.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(first).startsWith(WorkflowIds.CHECKLIST_PREFIX + "rollback-api-");
    assertThat(next).startsWith(WorkflowIds.CHECKLIST_PREFIX + "rollback-api-").isNotEqualTo(first);
    assertThat(loaded(next).items()).extracting(ChecklistItemState::done)
        .as("the second incident's items are its own").containsExactly(false, false);
    assertThat(statusOf(first)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(statusOf(next)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(world.checklists.row(first, "review").note()).isEqualTo("first incident's review");
  }

  @Test
  void aFullRunStartsOneChecklistAndADryRunNone() {
    world.checklists.configure("full", Set.of("succeeded"), Duration.ofMinutes(15), Duration.ofMinutes(1),
        Duration.ofHours(1), FakeWorld.people(), manual("review", "Review", Duration.ofHours(1), "on-call"));
    Runs.start(client, queue, new FullRollbackRequest("prod", List.of("api", "web"), List.of(), Severity.P0,
        "release 42", FakeWorld.REQUESTER, false, null, null, null, null)).getResult(FullRollbackResult.class);
    Runs.start(client, queue, new EmergencyRollbackRequest("web", Severity.P0, "dry", FakeWorld.REQUESTER, true,
        null, null, false, null, null, null, null)).getResult(EmergencyRollbackResult.class);

    assertThat(loaded(checklistOf("rollback-full-prod")).items())
        .extracting(ChecklistItemState::id).containsExactly("review");
    assertThat(catchThrowable(() -> checklistOf("rollback-api"))).isNotNull();
    assertThat(catchThrowable(() -> checklistOf("rollback-web"))).isNotNull();
  }
}
