package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.starter.cli.CliHarness.Result;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.activities.ChecklistActivities.PlannedItem;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code runbook checklist RUN} and {@code runbook done RUN ITEM}. */
class ChecklistCommandTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private FakeWorld world;
  private TestWorkflowEnvironment testEnv;
  private RunbookClient client;
  private CliHarness cli;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient temporal) {
    world = new FakeWorld();
    this.testEnv = testEnv;
    worker.registerActivitiesImplementations(world.activities());
    testEnv.start();
    client = new RunbookClient(temporal, worker.getTaskQueue());
    cli = new CliHarness(client, null, Map.of(), List.of(), List.of());
  }

  /** A P0 rollback of api whose checklist has a checked item and two manual ones. */
  private void rolledBack() {
    world.checklists.configure("emergency", Set.of("succeeded"), Duration.ofMinutes(15), Duration.ofMinutes(1),
        Duration.ofHours(24), FakeWorld.people(),
        new PlannedItem("health", "All services health checks passing", Duration.ofHours(1), "on-call", null,
            "health"),
        new PlannedItem("root-cause", "Root cause identified", Duration.ofHours(4), "engineering-lead",
            "engineering-manager", null),
        new PlannedItem("review", "Post-incident review scheduled", Duration.ofHours(4), "engineering-lead", null,
            null));
    world.checklists.passes("health", true);
    Result started = cli.run("start", "emergency", "api", "-s", "P0", "-r", "checkout errors", "--as", "erin",
        "--monitor-for", "0m");
    assertThat(started.exit()).as(started.err()).isZero();
    Runs.report(client.temporal().newUntypedWorkflowStub("rollback-api"));
    var checklist = client.temporal().newUntypedWorkflowStub(client.status("rollback-api").actions().stream()
        .filter(a -> a.action().equals("checklist started")).reduce((a, b) -> b).orElseThrow().detail());
    for (int i = 0; i < 60; i++) {
      ChecklistState s = checklist.query("checklist", ChecklistState.class);
      if (s.items().stream().anyMatch(ChecklistItemState::done)) {
        return;
      }
      testEnv.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("the health item was never ticked by its check");
  }

  @Test
  void theChecklistIsATableOfItemsWithOwnerDeadlineStateWhoAndNote() {
    rolledBack();

    Result r = cli.run("checklist", "rollback-api");

    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).matches("checklist-rollback-api-\\d{8}T\\d{9}Z after rollback-api: open \\(1 of 3 done\\)");
    assertThat(lines.get(1)).startsWith("ITEM").containsSubsequence("TITLE", "OWNER", "DUE", "STATE", "BY", "NOTE");
    assertThat(lines.get(2)).startsWith("health").contains("All services health checks passing", "on-call", "done",
        "runbook ", "health passed");
    assertThat(lines.get(3)).startsWith("root-cause").contains("engineering-lead", "open", "-");
    assertThat(lines.get(4)).startsWith("review").containsPattern("engineering-lead +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +open");
    assertThat(cli.run("checklist", "rollback-api", "--json").out()).contains("\"status\" : \"open\"");
  }

  @Test
  void doneTicksAnItemAndRefusalsExitWithTheirCodeAndReason() {
    rolledBack();

    Result wrongRole = cli.run("done", "rollback-api", "review", "--as", "dave");
    assertThat(wrongRole.exit()).isEqualTo(3);
    assertThat(wrongRole.err()).contains("dave lacks role engineering-lead needed to tick 'review' (has: developer)");

    Result unknown = cli.run("done", "rollback-api", "invoices", "--as", "alice");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("no item 'invoices' in this checklist: the items are health, root-cause, review");

    Result done = cli.run("done", "rollback-api", "review", "--note", "Thursday 10:00", "--as", "alice");
    assertThat(done.exit()).as(done.err()).isZero();
    assertThat(done.out()).startsWith("rollback-api: review done by alice at ");
    assertThat(cli.run("checklist", "rollback-api").out()).contains("Thursday 10:00");

    Result twice = cli.run("done", "rollback-api", "review", "--as", "bob");
    assertThat(twice.exit()).isEqualTo(4);
    assertThat(twice.err()).contains("'review' was already done by alice at ");
  }

  @Test
  void aRunThatEndedWithNoChecklistConfiguredSaysWhyAndRefusesATick() {
    Result started = cli.run("start", "emergency", "api", "-s", "P0", "-r", "checkout errors", "--as", "erin",
        "--monitor-for", "0m");
    assertThat(started.exit()).as(started.err()).isZero();
    Runs.report(client.temporal().newUntypedWorkflowStub("rollback-api"));

    Result r = cli.run("checklist", "rollback-api");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("checklist-rollback-api after rollback-api: none")
        .contains("no checklist is configured for emergency");

    Result tick = cli.run("done", "rollback-api", "review", "--as", "alice");
    assertThat(tick.exit()).isEqualTo(4);
    assertThat(tick.err()).contains("the checklist of rollback-api is none (no checklist is configured for"
        + " emergency): there is nothing left to tick");
  }

  @Test
  void aRunWithoutAChecklistExits5AndOneTemporalForgotIsReadFromTheRollbackLog() {
    Result none = cli.run("checklist", "rollback-web");
    assertThat(none.exit()).isEqualTo(5);
    assertThat(none.err()).contains("no checklist for rollback-web");

    Instant due = Instant.parse("2026-11-27T05:00:00Z");
    cli.checklistRows.put("rollback-web", List.of(new ChecklistItemState("review", "Post-incident review completed",
        "engineering-manager", null, null, due, "done", "carol", due, "notes in the wiki", null, null, null)));
    Result kept = cli.run("checklist", "rollback-web");
    assertThat(kept.exit()).as(kept.err()).isZero();
    assertThat(kept.out()).startsWith("checklist-rollback-web after rollback-web: done (1 of 1 done)\nfrom the rollback log\n")
        .contains("notes in the wiki", "carol 2026-11-27 05:00");
  }
}
