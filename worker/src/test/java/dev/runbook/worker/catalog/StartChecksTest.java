package dev.runbook.worker.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.BackupJobRequest;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.RestoreStrategy;
import dev.runbook.workflows.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A start judged against what the workers run, before anything exists (the ledger aside). */
class StartChecksTest {
  private final Catalog catalog = new Catalog("abc", "/srv/runbook.yaml", "runbook",
      Map.of("shop", new Catalog.Service("process", Duration.ofHours(1), "envFile"),
          "web", new Catalog.Service("command", Duration.ofHours(1))),
      List.of("shop"), Map.of("prod", new Catalog.Environment(List.of("shop", "web"), List.of("shop"))),
      List.of("erin", "alice"));
  private final StartChecks checks = StartChecks.of(catalog, null);

  private static EmergencyRollbackRequest emergency(String service, String by, boolean withDatabase, String database) {
    return new EmergencyRollbackRequest(service, Severity.P0, "5xx", by, false, null, null, withDatabase, database,
        null, null, null);
  }

  @Test
  void aKnownServiceByAKnownPersonMayStart() {
    assertThat(checks.problems(emergency("shop", "erin", true, null))).isEmpty();
    assertThat(checks.problems(new FullRollbackRequest("prod", List.of("shop", "web"), List.of("shop"), Severity.P0,
        "r", "alice", false, null, null, null, null))).isEmpty();
  }

  @Test
  void aTypoNamesWhatIsKnown() {
    assertThat(checks.problems(emergency("chekout", "erin", false, null))).singleElement().asString()
        .isEqualTo("service: no service 'chekout' is configured in /srv/runbook.yaml (shop, web): check the name,"
            + " or add it under services");
  }

  @Test
  void somebodyNotUnderPeopleMayNotStart() {
    assertThat(checks.problems(emergency("shop", "root", false, null))).singleElement().asString()
        .contains("requestedBy: 'root' is not under people in /srv/runbook.yaml (erin, alice)");
  }

  @Test
  void aDatabaseMustExistForWithDatabaseAndForTheDatabaseRunbook() {
    assertThat(checks.problems(emergency("web", "erin", true, null))).singleElement().asString()
        .startsWith("withDatabase: web has no database: none named 'web' is under databases");
    assertThat(checks.problems(emergency("web", "erin", true, "shp"))).singleElement().asString()
        .startsWith("database: 'shp' is not under databases");
    assertThat(checks.problems(new DatabaseRollbackRequest("web", null, Severity.P0, "r", "erin", false, null, null,
        null, null, null, null, null, List.of("cart"), null)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("service: web has no database: 'web' is not under databases"))
        .anySatisfy(p -> assertThat(p).startsWith("stopServices: no service 'cart'"));
  }

  @Test
  void aDatabaseThatCanOnlyBeRestoredInPlaceIsRestoredInPlaceAndAStagedSwapIsRefused() {
    Catalog withOrders = new Catalog("abc", "/srv/runbook.yaml", "runbook",
        Map.of("orders", new Catalog.Service("command", Duration.ofHours(1))), List.of("orders"), Map.of(),
        List.of("erin"), List.of("orders"));
    StartChecks inPlaceOnly = StartChecks.of(withOrders, null);
    var restore = new DatabaseRollbackRequest("orders", null, Severity.P0, "r", "erin", false, null,
        DatabaseMode.RESTORE, null, null, null, null, null, null, null);

    assertThat(inPlaceOnly.problems(restore)).isEmpty();
    assertThat(((DatabaseRollbackRequest) inPlaceOnly.complete(restore)).restoreStrategy())
        .isEqualTo(RestoreStrategy.IN_PLACE);
    assertThat(((DatabaseRollbackRequest) checks.complete(restore.withStrategy(null))).strategy())
        .as("a database that can stage keeps the default").isNull();
    var revert = new DatabaseRollbackRequest("orders", null, Severity.P0, "r", "erin", false, null,
        DatabaseMode.REVERT, null, null, null, null, null, null, null);
    assertThat(inPlaceOnly.complete(revert)).as("a revert restores nothing").isEqualTo(revert);

    assertThat(inPlaceOnly.problems(restore.withStrategy(RestoreStrategy.STAGED_SWAP))).singleElement().asString()
        .isEqualTo("strategy: databases.orders cannot be restored by a staged swap: its engine: command has no"
            + " restoreInto, swap, exists and drop templates in /srv/runbook.yaml. Leave --strategy out or pass"
            + " --strategy in-place (a fresh safety backup is taken first), or add those templates");
  }

  @Test
  void anEnvironmentMustBeOneTheWorkersKnow() {
    assertThat(checks.problems(new FullRollbackRequest("prdo", List.of("shop"), List.of(), Severity.P0, "r", "erin",
        false, null, null, null, null))).singleElement().asString()
        .startsWith("environment: 'prdo' is not under environments in /srv/runbook.yaml (prod)");
  }

  @Test
  void aBackupOrACleanupNamesADatabaseTheWorkersHave() {
    assertThat(checks.problems(new BackupJobRequest("shop", null, "erin", "1a2b3c4d", null))).isEmpty();
    assertThat(checks.problems(new BackupJobRequest("shp", null, "erin", "1a2b3c4d", null))).singleElement().asString()
        .isEqualTo("database: 'shp' is not under databases in /srv/runbook.yaml (shop): name one of them, or configure it");
    assertThat(checks.problems(new CleanupRequest(null, null, "erin", "1a2b3c4d", true, null))).isEmpty();
    assertThat(checks.problems(new CleanupRequest("web", null, "root", "1a2b3c4d", true, null)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("requestedBy: 'root' is not under people"))
        .anySatisfy(p -> assertThat(p).startsWith("database: 'web' is not under databases"));
  }

  private static EmergencyRollbackRequest config(String service, boolean configOnly, boolean withConfig) {
    return new EmergencyRollbackRequest(service, Severity.P0, "bad STRIPE_KEY", "erin", false, null, null, false, null,
        null, null, null, false, null, null, configOnly, withConfig);
  }

  @Test
  void aConfigurationRollbackOfAServiceWithoutConfigurationIsRefusedBeforeAnythingExists() {
    assertThat(checks.problems(config("shop", true, false))).isEmpty();
    assertThat(checks.problems(config("shop", false, true))).isEmpty();
    assertThat(checks.problems(config("web", true, false))).singleElement().asString()
        .isEqualTo("configOnly (--config-only): web has no config section in /srv/runbook.yaml, so it has no"
            + " configuration to restore: give it one (envFile, kubernetes or command), or roll back the version only");
    assertThat(checks.problems(config("web", false, true))).singleElement().asString()
        .startsWith("withConfig (--with-config): web has no config section");
  }

  @Test
  void aCatalogPublishedBeforeConfigurationsReadsAsServicesWithoutOne() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper().registerModule(
        new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());
    Catalog.Service old = json.readValue("{\"adapter\":\"process\",\"soak\":3600.0}", Catalog.Service.class);
    assertThat(old.config()).isNull();
  }

  @Test
  void aDrillOnAProductionTargetIsRefusedAndOnAStagingOneIsNot() {
    Catalog kinds = new Catalog("abc", "/srv/runbook.yaml", "runbook",
        Map.of("shop", new Catalog.Service("process", Duration.ofHours(1), null, "production"),
            "shop-staging", new Catalog.Service("process", Duration.ofHours(1), null, "staging"),
            "web-staging", new Catalog.Service("command", Duration.ofHours(1), null, "staging"),
            "legacy", new Catalog.Service("command", Duration.ofHours(1))),
        List.of(), Map.of(
            "staging", new Catalog.Environment(List.of("shop-staging", "web-staging"), List.of(), "staging"),
            "mixed", new Catalog.Environment(List.of("shop-staging", "shop"), List.of(), "staging")),
        List.of("erin"));
    StartChecks drills = StartChecks.of(kinds, null);

    assertThat(drills.drillTargetProblems("shop-staging")).isEmpty();
    assertThat(drills.drillTargetProblems("staging")).isEmpty();
    assertThat(drills.drillTargetProblems("shop")).singleElement().asString()
        .isEqualTo("target: drills never touch production: service shop is kind production in /srv/runbook.yaml:"
            + " give a staging one, or write its kind (kind: staging) if it is not production");
    assertThat(drills.drillTargetProblems("legacy")).as("a catalog published before kinds reads as production")
        .singleElement().asString().contains("service legacy is kind production");
    assertThat(drills.drillTargetProblems("mixed")).singleElement().asString()
        .contains("service shop of environment mixed is kind production");
    assertThat(drills.drillTargetProblems("stagin")).singleElement().asString()
        .startsWith("target: 'stagin' is neither a service nor an environment in /srv/runbook.yaml (legacy, mixed,"
            + " shop, shop-staging, staging, web-staging)");
  }
}
