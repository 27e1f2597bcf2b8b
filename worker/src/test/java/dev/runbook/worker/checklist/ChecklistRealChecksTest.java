package dev.runbook.worker.checklist;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.checklist.ChecklistActivitiesImpl;
import dev.runbook.activities.checklist.ChecklistSettings;
import dev.runbook.activities.checklist.ChecklistStore;
import dev.runbook.activities.checklist.ItemCheckSettings;
import dev.runbook.activities.checklist.ItemChecks;
import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.activities.notify.JdbcStatuspageIncidents;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.ChecklistWorkflow;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.ChecklistDone;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeChecklists;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run's checklist with the real checklist activities: the plan from the configuration, an SQL
 * check on a real PostgreSQL database that ticks its item once the data says so, and every change
 * kept in the real rollback log, on the time-skipping server.
 */
class ChecklistRealChecksTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private final FakeWorld world = new FakeWorld();
  private final String shop = TestPostgres.freshDatabase("shop");
  private HikariDataSource audit;
  private TestWorkflowEnvironment testEnv;
  private WorkflowClient client;
  private String queue;

  private DatabaseSettings shopSettings() {
    LocalPostgres pg = TestPostgres.server();
    return new DatabaseSettings(pg.host(), pg.port(), shop, pg.user(), pg.password(), null, null, 1, null,
        Duration.ofMinutes(1), Duration.ofSeconds(2), null, Map.of(), List.of(), null);
  }

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) {
    TestPostgres.execute(shop, "create table orders (id int, state text)",
        "insert into orders values (1, 'paid'), (2, 'stuck')");
    audit = TestStore.fresh();
    ChecklistSettings emergency = new ChecklistSettings(List.of("succeeded"), null, null, null, List.of(
        new ChecklistSettings.Item("orders", "Users can place orders", Duration.ofHours(1), "on-call", null,
            new ItemCheckSettings(null, null, null,
                new ItemCheckSettings.Sql("shop", "select count(*) from orders where state = 'stuck'", "0"), null)),
        new ChecklistSettings.Item("review", "Post-incident review scheduled", Duration.ofHours(4),
            "engineering-lead", null, null)));
    ChecklistActivitiesImpl checklists = new ChecklistActivitiesImpl(Map.of("emergency", emergency),
        FakeWorld::people, new ItemChecks(q -> null, null, Map.of("shop", shopSettings()),
            new JdbcStatuspageIncidents(audit)), new ChecklistStore(audit));
    worker.registerActivitiesImplementations(world.activitiesExcept(FakeChecklists.class));
    worker.registerActivitiesImplementations(checklists);
    testEnv.start();
    this.testEnv = testEnv;
    this.client = client;
    this.queue = worker.getTaskQueue();
  }

  @AfterEach
  void tearDown() {
    audit.close();
  }

  /** The checklist the latest run of rollback-api started: its actions name it. */
  private String checklistId() {
    return client.newUntypedWorkflowStub("rollback-api").query("status", dev.runbook.workflows.model.RunStatus.class)
        .actions().stream().filter(a -> a.action().equals("checklist started")).reduce((a, b) -> b).orElseThrow()
        .detail();
  }

  private ChecklistItemState item(String id) {
    return client.newWorkflowStub(ChecklistWorkflow.class, checklistId()).checklist().items().stream()
        .filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void theSqlCheckTicksItsItemWhenTheDataSaysSoAndTheRollbackLogKeepsEveryChange() {
    WorkflowStub run = Runs.start(client, queue, new EmergencyRollbackRequest("api", Severity.P0,
        "checkout errors", FakeWorld.REQUESTER, false, "INC-7", null, false, null, null, null, null));
    run.getResult(EmergencyRollbackResult.class);
    testEnv.sleep(Duration.ofSeconds(30));

    assertThat(item("orders").state()).isEqualTo("open");
    assertThat(item("orders").evidence()).isEqualTo("shop: 1 is not 0");
    assertThat(new ChecklistStore(audit).items("rollback-api")).extracting(ChecklistItemState::evidence)
        .containsExactly("shop: 1 is not 0", null);

    TestPostgres.execute(shop, "update orders set state = 'paid'");
    testEnv.sleep(Duration.ofMinutes(2));
    assertThat(item("orders").doneBy()).isEqualTo("runbook");
    assertThat(item("orders").evidence()).isEqualTo("shop: 0 = 0");

    ChecklistWorkflow checklist = client.newWorkflowStub(ChecklistWorkflow.class, checklistId());
    checklist.done(new ChecklistDone("alice", "review", "Thursday 10:00"));
    ChecklistState end = WorkflowStub.fromTyped(checklist).getResult(ChecklistState.class);

    assertThat(end.status()).isEqualTo(ChecklistState.DONE);
    List<ChecklistItemState> kept = new ChecklistStore(audit).items("rollback-api");
    assertThat(kept).extracting(ChecklistItemState::id, ChecklistItemState::state, ChecklistItemState::doneBy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", "done", "runbook"),
            org.assertj.core.groups.Tuple.tuple("review", "done", "alice"));
    assertThat(kept.get(1).note()).isEqualTo("Thursday 10:00");
    // The run's incident report reads the checklist that followed this very run.
    var reported = dev.runbook.worker.Wiring.checklistsOfRuns(new ChecklistStore(audit))
        .checklist("rollback-api", run.getExecution().getRunId()).orElseThrow();
    assertThat(reported.state()).isEqualTo("done");
    assertThat(reported.items()).extracting(i -> i.item() + " " + i.state() + " " + i.doneBy())
        .containsExactly("orders: Users can place orders done runbook", "review: Post-incident review scheduled done alice");
    assertThat(dev.runbook.worker.Wiring.checklistsOfRuns(new ChecklistStore(audit))
        .checklist("rollback-api", "another-run")).as("another run of the ID has none").isEmpty();
    assertThat(world.notifications()).extracting(n -> n.kind())
        .contains(NotificationKind.CHECKLIST_DONE).doesNotContain(NotificationKind.CHECKLIST_OVERDUE);
  }
}
