package dev.runbook.workflows;

import static dev.runbook.workflows.testing.Runs.awaitPhase;
import static dev.runbook.workflows.testing.Runs.decide;
import static dev.runbook.workflows.testing.Runs.reject;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.WorkflowTest;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowStub;
import java.util.List;
import org.junit.jupiter.api.Test;

class FullRollbackWorkflowTest extends WorkflowTest {

  @Test
  void stopsInReverseOrderBacksUpDeploysRevertsStartsAndVerifiesInOrder() {
    FullRollbackResult result =
        Runs.start(client, queue, Runs.request(RunbookType.FULL, Severity.P0, false))
            .getResult(FullRollbackResult.class);

    List<String> acting = world.calls().stream()
        .filter(c -> c.matches("(Service\\.(stop|deploy|start|verify)|Database\\.(backup|revertMigrations)) .*"))
        .toList();
    assertThat(acting).containsExactly(
        "Service.stop web", "Service.stop api",
        "Database.backup api",
        "Service.deploy api v1", "Service.deploy web w1",
        "Database.revertMigrations api 2",
        "Service.start api", "Service.start web",
        "Service.verify api v1", "Service.verify web w1");
    assertThat(result.services()).extracting(s -> s.service() + ":" + s.fromVersion() + "->" + s.toVersion() + ":" + s.healthy())
        .containsExactly("api:v2->v1:true", "web:w2->w1:true");
    assertThat(result.backupIds()).hasSize(1);
    assertThat(world.notifications()).filteredOn(n -> n.kind().name().equals("REPORT"))
        .singleElement().satisfies(n -> assertThat(n.detail()).contains("api: v2 -> v1, healthy").contains("web: w2 -> w1, healthy"));
  }

  @Test
  void perServiceWorkRunsUnderTheServicesOwnIdSoItCannotOverlapAServiceRollback() {
    WorkflowStub emergency = Runs.start(client, queue, Runs.request(RunbookType.EMERGENCY, Severity.P1, false));
    awaitPhase(testEnv, emergency, Phase.AWAITING_APPROVAL);

    WorkflowStub full = Runs.start(client, queue, new FullRollbackRequest(
        "prod", List.of("api", "web"), List.of(), Severity.P0, "release 42", FakeWorld.REQUESTER,
        false, null, null, null, null));
    RunStatus blocked = awaitPhase(testEnv, full, Phase.NEEDS_DECISION);
    assertThat(blocked.pendingDecision().step()).isEqualTo("prepare-api");
    assertThat(blocked.pendingDecision().error()).contains("rollback-api");

    reject(emergency, "alice", "the full rollback covers it");
    assertThat(Runs.report(emergency).outcome()).isEqualTo(Phase.REJECTED);
    decide(full, DecisionAction.RETRY, FakeWorld.REQUESTER);
    FullRollbackResult result = full.getResult(FullRollbackResult.class);

    assertThat(result.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.services.get("api").version).isEqualTo("v1");
  }
}
