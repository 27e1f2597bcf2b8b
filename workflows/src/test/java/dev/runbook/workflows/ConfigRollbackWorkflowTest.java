package dev.runbook.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunReport;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.FakeWorld;
import dev.runbook.workflows.testing.Runs;
import dev.runbook.workflows.testing.WorkflowTest;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Configuration as a thing a service has, in the runbooks: a configuration-only rollback, the
 * version with its configuration, the full runbook restoring configurations, compensation, dry
 * runs, and what the release ledger hears. Snapshots go by ID and differences by name and short
 * hash; the fake behind the activities has no values at all.
 */
class ConfigRollbackWorkflowTest extends WorkflowTest {

  @BeforeEach
  void giveApiAConfiguration() {
    world.config("api", "cfg-bad")
        .snapshot("cfg-bad", "STRIPE_KEY=cccc1111", "DATABASE_URL=bbbb2222", "NEW_FLAG=dddd3333")
        .snapshot("cfg-good", "STRIPE_KEY=aaaa4444", "DATABASE_URL=bbbb2222")
        .lastKnownGood = "cfg-good";
    world.configs.of("api").ofVersion.put("v1", "cfg-good");
  }

  private static EmergencyRollbackRequest request(boolean configOnly, boolean withConfig, boolean dryRun) {
    return new EmergencyRollbackRequest(
        "api", Severity.P0, "payments failing since STRIPE_KEY changed", FakeWorld.REQUESTER, dryRun, null,
        null, false, null, null, Duration.ZERO, null, false, null, null, configOnly, withConfig);
  }

  private List<AuditEvent> events(AuditEventType type) {
    return world.audit().stream().filter(e -> e.type() == type).toList();
  }

  private static StepStatus step(RunReport report, String id) {
    return report.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void configOnlyRestoresTheLastKnownGoodConfigurationRestartsAndVerifiesWithTheVersionKept() {
    EmergencyRollbackResult r = Runs.start(client, queue, request(true, false, false))
        .getResult(EmergencyRollbackResult.class);

    assertThat(r.report().outcome()).as(r.report().message()).isEqualTo(Phase.SUCCEEDED);
    assertThat(r.report().steps()).extracting(StepStatus::id).containsExactly(
        "load-policy", "capture-evidence", "resolve-config", "notify-started", "approval", "restore-config",
        "restart", "verify", "notify-resolved");
    assertThat(world.configs.of("api").current).isEqualTo("cfg-good");
    assertThat(world.services.get("api").version).as("the version stays").isEqualTo("v2");
    assertThat(world.calls("Service.deploy")).isEmpty();
    assertThat(world.calls("Service.restart")).containsExactly("Service.restart api");
    assertThat(world.calls("Service.verify")).containsExactly("Service.verify api v2");
    assertThat(step(r.report(), "capture-evidence").detail()).endsWith(", configuration cfg-bad (3 variables)");
    assertThat(step(r.report(), "resolve-config").detail()).isEqualTo(
        "restore cfg-good (release ledger: verified healthy): NEW_FLAG removed,"
            + " STRIPE_KEY changed (cccc1111 -> aaaa4444), DATABASE_URL unchanged");
    assertThat(r.fromConfig()).isEqualTo("cfg-bad");
    assertThat(r.toConfig()).isEqualTo("cfg-good");
    assertThat(r.report().message()).isEqualTo("rolled back from v2 cfg-bad to v2 cfg-good");
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.RESOLVED).singleElement()
        .extracting(Notification::detail).asString()
        .contains("api configuration rolled back from cfg-bad to cfg-good", "NEW_FLAG removed", "version v2 kept");

    AuditEvent deployed = events(AuditEventType.RELEASE_DEPLOYED).stream().collect(single());
    assertThat(deployed.data()).containsEntry("version", "v2").containsEntry("from", "v2")
        .containsEntry("config", "cfg-good").containsEntry("configFrom", "cfg-bad");
    assertThat(deployed.step()).isEqualTo("restore-config");
    assertThat(events(AuditEventType.RELEASE_VERIFIED)).singleElement()
        .satisfies(e -> assertThat(e.data()).containsEntry("version", "v2"));
  }

  @Test
  void configOnlyWithNoConfigurationKnownGoodIsRefusedBeforeItSaysOrChangesAnything() {
    world.configs.of("api").lastKnownGood = null;

    EmergencyRollbackResult r = Runs.start(client, queue, request(true, false, false))
        .getResult(EmergencyRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.REFUSED);
    assertThat(r.report().message()).startsWith("refused at resolve-config: no configuration of api is known good");
    assertThat(world.calls("Config.restore")).isEmpty();
    assertThat(world.calls("Service.restart")).isEmpty();
    assertThat(world.mutations()).isZero();
    assertThat(world.notifications()).extracting(Notification::kind).containsOnly(NotificationKind.REFUSED);
  }

  @Test
  void withConfigDeploysTheTargetWithTheConfigurationItLastRanHealthyWith() {
    EmergencyRollbackResult r = Runs.start(client, queue, request(false, true, false))
        .getResult(EmergencyRollbackResult.class);

    assertThat(r.report().outcome()).as(r.report().message()).isEqualTo(Phase.SUCCEEDED);
    assertThat(r.report().steps()).extracting(StepStatus::id).containsExactly(
        "load-policy", "capture-evidence", "resolve-target", "resolve-config", "notify-started", "approval",
        "restore-config", "deploy", "verify", "notify-resolved");
    assertThat(world.calls()).filteredOn(c -> c.matches("(Config\\.restore|Service\\.(deploy|restart)) .*"))
        .as("the configuration first, then the version, whose deploy restarts the service")
        .containsExactly("Config.restore api cfg-good", "Service.deploy api v1");
    assertThat(world.services.get("api").version).isEqualTo("v1");
    assertThat(world.configs.of("api").current).isEqualTo("cfg-good");
    assertThat(step(r.report(), "resolve-config").title()).isEqualTo("Resolve the configuration v1 last ran healthy with");
    assertThat(r.report().message()).isEqualTo("rolled back from v2 cfg-bad to v1 cfg-good");
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).singleElement().satisfies(e -> assertThat(e.data())
        .containsEntry("version", "v1").containsEntry("from", "v2")
        .containsEntry("config", "cfg-good").containsEntry("configFrom", "cfg-bad"));
  }

  @Test
  void aVersionOnlyRollbackTellsTheLedgerTheConfigurationTheServiceKeeps() {
    EmergencyRollbackResult r = Runs.start(client, queue, request(false, false, false))
        .getResult(EmergencyRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.calls("Config.snapshot")).containsExactly("Config.snapshot api");
    assertThat(world.calls("Config.restore")).isEmpty();
    assertThat(world.configs.of("api").current).isEqualTo("cfg-bad");
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).singleElement().satisfies(e -> assertThat(e.data())
        .containsEntry("version", "v1").containsEntry("config", "cfg-bad").doesNotContainKey("configFrom"));
    assertThat(r.toConfig()).isNull();
  }

  @Test
  void compensationRestoresTheConfigurationThatRanBeforeAndRestartsTheService() {
    world.fail("Service.verify", FailureType.VERIFICATION_FAILED, 100);
    WorkflowStub run = Runs.start(client, queue, request(true, false, false));
    Runs.awaitPhase(testEnv, run, Phase.NEEDS_DECISION);
    assertThat(world.configs.of("api").current).isEqualTo("cfg-good");

    Runs.decide(run, DecisionAction.COMPENSATE, FakeWorld.REQUESTER);
    RunReport report = Runs.report(run);

    assertThat(report.outcome()).isEqualTo(Phase.COMPENSATED);
    assertThat(report.message()).contains("Restore configuration cfg-bad of api and restart");
    assertThat(world.configs.of("api").current).isEqualTo("cfg-bad");
    assertThat(world.calls("Config.restore")).containsExactly("Config.restore api cfg-good", "Config.restore api cfg-bad");
    assertThat(world.calls("Service.restart")).hasSize(2);
    assertThat(step(report, "restore-config").state()).isEqualTo(StepState.COMPENSATED);
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).extracting(e -> e.data().get("source") + " " + e.data().get("config"))
        .containsExactly("rollback cfg-good", "compensation cfg-bad");
  }

  @Test
  void aDryRunShowsTheDifferenceByNameAndChangesNothing() {
    RunReport report = Runs.report(Runs.start(client, queue, request(true, false, true)));

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.mutations()).isZero();
    assertThat(world.configs.of("api").current).isEqualTo("cfg-bad");
    assertThat(world.calls()).filteredOn(c -> !c.startsWith("Policy.") && !c.startsWith("Audit."))
        .allSatisfy(c -> assertThat(c).endsWith(" dry"));
    assertThat(step(report, "resolve-config").detail())
        .isEqualTo("would restore cfg-good (release ledger: verified healthy): NEW_FLAG removed,"
            + " STRIPE_KEY changed (cccc1111 -> aaaa4444), DATABASE_URL unchanged");
    assertThat(report.plannedActions()).contains("restore-config: would run: write .env", "restart: would run: restart api");
    assertThat(world.plannedNotifications()).filteredOn(n -> n.kind() == NotificationKind.RESOLVED).singleElement()
        .extracting(Notification::detail).asString().startsWith("api: would restore configuration cfg-good (NEW_FLAG removed");
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).isEmpty();
  }

  @Test
  void aFullRollbackRestoresTheConfigurationOfTheServicesThatHaveOneWhileTheyAreStopped() {
    FullRollbackResult r = Runs.start(client, queue, Runs.request(RunbookType.FULL, Severity.P0, false))
        .getResult(FullRollbackResult.class);

    assertThat(r.report().outcome()).as(r.report().message()).isEqualTo(Phase.SUCCEEDED);
    List<String> acting = world.calls().stream()
        .filter(c -> c.matches("(Service\\.(stop|deploy|start)|Config\\.restore) .*")).toList();
    assertThat(acting).containsExactly(
        "Service.stop web", "Service.stop api", "Config.restore api cfg-good",
        "Service.deploy api v1", "Service.deploy web w1", "Service.start api", "Service.start web");
    assertThat(world.configs.of("api").current).isEqualTo("cfg-good");
    assertThat(r.services()).extracting(s -> s.service() + ":" + s.fromConfig() + "->" + s.toConfig())
        .containsExactly("api:cfg-bad->cfg-good", "web:null->null");
    assertThat(world.notifications()).filteredOn(n -> n.kind() == NotificationKind.REPORT).singleElement()
        .extracting(Notification::detail).asString()
        .contains("api: v2 -> v1, configuration cfg-bad -> cfg-good, healthy").contains("web: w2 -> w1, healthy");
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).extracting(
            e -> e.data().get("service") + " " + e.data().get("config") + " " + e.data().get("configFrom"))
        .containsExactly("api cfg-good cfg-bad", "web null null");
  }

  @Test
  void aDryFullRollbackPlansTheConfigurationRestoreAndChangesNothing() {
    RunReport report = Runs.report(Runs.start(client, queue, Runs.request(RunbookType.FULL, Severity.P0, true)));

    assertThat(report.outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.mutations()).isZero();
    assertThat(step(report, "restore-config-api").detail()).isEqualTo(
        "would write configuration cfg-good: NEW_FLAG removed, STRIPE_KEY changed (cccc1111 -> aaaa4444),"
            + " DATABASE_URL unchanged");
    assertThat(world.plannedNotifications()).filteredOn(n -> n.kind() == NotificationKind.REPORT).singleElement()
        .extracting(Notification::detail).asString()
        .contains("api: would roll back from v2 to v1 and restore configuration cfg-bad -> cfg-good");
  }

  @Test
  void aFullRollbackKeepsAConfigurationTheLedgerKnowsNothingToReplaceWith() {
    world.configs.of("api").ofVersion.clear();

    FullRollbackResult r = Runs.start(client, queue, Runs.request(RunbookType.FULL, Severity.P0, false))
        .getResult(FullRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(world.calls("Config.restore")).isEmpty();
    assertThat(r.report().steps()).extracting(StepStatus::id).noneMatch(id -> id.startsWith("restore-config"));
    assertThat(events(AuditEventType.RELEASE_DEPLOYED)).filteredOn(e -> e.data().get("service").equals("api"))
        .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("config", "cfg-bad")
            .doesNotContainKey("configFrom"));
  }

  @Test
  void theSnapshotWorkflowTakesOneSnapshotOnAWorker() {
    ConfigSnapshot snapshot = Runs.snapshot(client, queue, "api", "erin");

    assertThat(snapshot.configured()).isTrue();
    assertThat(snapshot.snapshotId()).isEqualTo("cfg-bad");
    assertThat(snapshot.names()).containsExactly("DATABASE_URL", "NEW_FLAG", "STRIPE_KEY");
    assertThat(world.calls("Config.snapshot")).containsExactly("Config.snapshot api");
  }

  private static <T> java.util.stream.Collector<T, ?, T> single() {
    return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
      assertThat(l).hasSize(1);
      return l.get(0);
    });
  }
}
