package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.model.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import dev.runbook.workflows.model.RunbookType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final Map<String, String> NO_ENV = Map.of();

  private static RunbookConfig parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, "runbook.yaml", env::get);
  }

  private static List<String> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("runbook.yaml has");
      return e.problems();
    }
    throw new AssertionError("expected the config to be refused");
  }

  @Test
  void theAnnotatedExampleLoads() {
    RunbookConfig c = ConfigLoader.load(Path.of("..", "runbook.example.yaml"), Map.of("SLACK_WEBHOOK_URL", "https://hooks.example/T/B/secret")::get);

    assertThat(c.temporal().embedded()).isTrue();
    assertThat(c.services()).containsOnlyKeys("checkout", "web", "worker", "storefront", "landing", "payments",
        "notifier", "checkout-staging");
    assertThat(c.databases().get("checkout").jobs()).isEqualTo(4);
    assertThat(c.databases().get("orders").commandEngine()).isTrue();
    assertThat(c.databases().get("orders").command().restore()).contains("\\. {dir}/dump.sql");
    assertThat(c.databases().get("worker").stagedRestore()).as("a provider's restore goes in place").isFalse();
    assertThat(c.databases().get("worker").command().restore())
        .containsExactly("render", "postgres:restore", "--backup-id", "{backup}", "--confirm");
    assertThat(c.environments().get("prod").services()).containsExactly("checkout", "web", "worker");
    assertThat(c.environments().get("prod").kind()).isEqualTo("production");
    assertThat(c.environments().get("staging").kind()).isEqualTo("staging");
    assertThat(c.services().get("checkout-staging").kind()).isEqualTo("staging");
    assertThat(c.slas().forRun(RunbookType.EMERGENCY, List.of("checkout"))).contains(Duration.ofMinutes(10));
    assertThat(c.slas().forRun(RunbookType.EMERGENCY, List.of("storefront"))).contains(Duration.ofMinutes(5));
    assertThat(c.policySnapshot().policy().ruleFor(Severity.P1, false).timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.policySnapshot().people()).extracting(p -> p.name()).contains("alice", "carol");
    assertThat(c.worker().shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    // The RachelFoods decision matrix: an outage rolls back at once, an error rate above 10% after
    // 15 minutes unless fixed, slow responses after an hour unless scaling helped.
    assertThat(c.apiSettings().alertRoutes()).extracting(r -> r.name() + " " + r.severity() + " " + r.armFor())
        .containsExactly("complete-outage P0 null", "error-rate-above-10-percent P1 PT15M", "slow-responses P2 PT1H");
    assertThat(c.apiSettings().listen()).isEqualTo("127.0.0.1:8080");
  }

  @Test
  void anArmedRouteIsCheckedAtLoad() {
    String route = """
        api:
          alertRoutes:
            - name: r
              match: {alertname: A}
              runbook: %s
              service: api
              severity: P1
              armFor: %s
        """;
    assertThat(problems(route.formatted("emergency", "0s"), NO_ENV))
        .contains("api.alertRoutes[0].armFor: 0s is not a window: give one longer than 0 and at most 1d, e.g. 15m");
    assertThat(problems(route.formatted("emergency", "25h"), NO_ENV))
        .contains("api.alertRoutes[0].armFor: 1d1h is not a window: give one longer than 0 and at most 1d, e.g. 15m");
    assertThat(problems(route.formatted("database", "15m"), NO_ENV))
        .contains("api.alertRoutes[0].armFor: a database rollback is not armed: armFor is for emergency and full routes");
    assertThat(problems(route.formatted("emergency", "soon"), NO_ENV))
        .contains("api.alertRoutes[0].armFor: write it like 90s, 15m, 4h or 1h30m");
    assertThat(parse(route.formatted("emergency", "15m"), NO_ENV).apiSettings().alertRoutes().get(0).armFor())
        .isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aVersionPatternMustBeARegularExpressionOverSomethingPrinted() {
    String service = """
        services:
          api:
            adapter: command
            healthUrl: http://127.0.0.1:8080/health
            command:
              deploy: [deploy, "{version}"]
              %s
              versionPattern: '%s'
        """;
    assertThat(problems(service.formatted("currentVersion: [current]", "v(\\d+"), NO_ENV))
        .anySatisfy(p -> assertThat(p).startsWith("services.api.command.versionPattern: not a regular expression"
            + " (Unclosed group at index 5): fix it, or leave it out"));
    assertThat(problems(service.formatted("", "v(\\d+)"), NO_ENV)).contains("services.api.command.versionPattern:"
        + " reads what currentVersion and listVersions print, and neither is set: set one, or leave the pattern out");
  }

  @Test
  void noFileContentMeansTheDefaults() {
    RunbookConfig c = parse("", NO_ENV);
    assertThat(c.temporal().address()).isEqualTo("embedded");
    assertThat(c.temporal().taskQueue()).isEqualTo("runbook");
    assertThat(c.policySnapshot().policy().ruleFor(Severity.P2, false).roles()).containsExactly("engineering-manager");
  }

  @Test
  void aMissingFieldIsNamedWithItsPath() {
    assertThat(problems("""
        audit:
          url: jdbc:postgresql://127.0.0.1:5432/runbook
        """, NO_ENV)).containsExactly("audit.user is required: the database role runbook connects as");
    assertThat(problems("""
        services:
          api:
            healthUrl: http://127.0.0.1:8080/health
        """, NO_ENV)).anySatisfy(p -> assertThat(p).startsWith("services.api.adapter"));
  }

  @Test
  void aBackupScheduleIsCheckedWhenTheConfigurationLoads() {
    assertThat(problems("""
        databases:
          shop:
            database: shop
            user: runbook
            backup: {schedule: "0 3 * * * *", timezone: Europe/Paris}
            safetyCopies: {keep: 0s}
        """, NO_ENV)).containsExactly(
        "databases.shop.backup.schedule '0 3 * * * *': it has 6 fields, not five: write five fields: minute hour"
            + " day-of-month month day-of-week, e.g. \"0 3 * * *\"",
        "databases.shop.safetyCopies.keep PT0S must be positive, e.g. 7d (the newest safety copy is always kept)");
    RunbookConfig ok = parse("""
        databases:
          shop:
            database: shop
            user: runbook
            backup: {schedule: "30 2 * * 1-5", timezone: Europe/Paris}
            safetyCopies: {keep: 3d}
        """, NO_ENV);
    assertThat(ok.databases().get("shop").schedule("shop").describe())
        .isEqualTo("backup 30 2 * * 1-5 (Europe/Paris), cleanup 15 4 * * * (UTC)");
    assertThat(ok.databases().get("shop").safetyCopies().keep()).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void anUnknownAdapterKindListsTheKnownOnes() {
    assertThat(problems("""
        services:
          api:
            adapter: dokcer
        """, NO_ENV)).anySatisfy(p -> assertThat(p)
            .isEqualTo("services.api.adapter: unknown kind 'dokcer': use process, command, docker-compose or kubernetes"));
  }

  @Test
  void aKindIsProductionUnlessWrittenAndAWrongOneIsNamedWithItsPath() {
    String yaml = """
        services:
          api: {adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/h", kind: %s}
          api-staging: {adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/h", kind: staging}
        environments:
          prod: {services: [api]}
          stage: {services: [api-staging], kind: %s}
        """;
    RunbookConfig ok = parse(yaml.formatted("production", "staging"), NO_ENV);
    assertThat(ok.services().get("api").kind()).isEqualTo("production");
    assertThat(ok.services().get("api-staging").kind()).isEqualTo("staging");
    assertThat(ok.environments().get("prod").kind()).as("the default").isEqualTo("production");
    assertThat(ok.environments().get("stage").kind()).isEqualTo("staging");

    assertThat(problems(yaml.formatted("Staging", "qa env"), NO_ENV)).containsExactlyInAnyOrder(
        "services.api.kind: 'Staging' is not a kind: use production, staging or another lower-case word (letters,"
            + " digits and '-', up to 32), or leave it out for production",
        "environments.stage.kind: 'qa env' is not a kind: use production, staging or another lower-case word"
            + " (letters, digits and '-', up to 32), or leave it out for production");
  }

  @Test
  void slasAreCheckedWhereTheyAreWritten() {
    assertThat(problems("""
        services:
          api: {adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/h"}
        slas:
          emergency: 0s
          services: {api: 5m, shop: 10m}
        """, NO_ENV)).containsExactlyInAnyOrder(
            "slas.emergency: PT0S is not a positive duration: write how long a rollback may take, e.g. 10m",
            "slas.services: 'shop' is not under services: add it there or remove it here");
    assertThat(problems("slas: {database: soon}\n", NO_ENV)).singleElement().asString().startsWith("slas.database: ");
  }

  @Test
  void aBadDurationSaysHowToWriteOne() {
    assertThat(problems("""
        policy:
          P1: {approvals: 1, roles: [engineering-lead], timeout: soon, abortAfter: 1h}
        """, NO_ENV)).singleElement().satisfies(p -> assertThat(p)
            .startsWith("policy.P1.timeout: ")
            .contains("write it like 90s, 15m, 4h or 1h30m"));
  }

  @Test
  void anUnsetEnvironmentVariableIsNamedWithWhereItIsUsed() {
    assertThat(problems("""
        notify:
          channels:
            ops: {kind: slack, url: "${SLACK_URL}"}
          routing:
            team: [ops]
        """, NO_ENV)).contains(
            "notify.channels.ops.url: ${SLACK_URL} is not set: export SLACK_URL before starting, or give a default with ${SLACK_URL:-value}");
  }

  @Test
  void anUnknownKeyListsTheKnownOnes() {
    assertThat(problems("servcies: {}\n", NO_ENV)).singleElement().satisfies(p -> assertThat(p)
        .startsWith("unknown key 'servcies': use one of ")
        .contains("services"));
    assertThat(problems("temporal: {adress: 127.0.0.1:7233}\n", NO_ENV)).singleElement()
        .satisfies(p -> assertThat(p).startsWith("temporal: unknown key 'adress': use one of address"));
  }

  @Test
  void brokenYamlIsReportedWithItsLine() {
    assertThat(problems("temporal:\n  address: [unclosed\n", NO_ENV)).singleElement()
        .satisfies(p -> assertThat(p).startsWith("line ").contains("not valid YAML"));
  }

  @Test
  void wrongTypesAndCrossReferencesAreNamed() {
    List<String> found = problems("""
        temporal: {embeddedPort: lots}
        environments:
          prod: {services: [api], databases: [main]}
        policy:
          P1: {approvals: 1, roles: [sre], timeout: 15m, abortAfter: 1h}
        people:
          - {name: alice, roles: [engineering-lead], tokenSha256: abc}
        """, NO_ENV);
    assertThat(found).anySatisfy(p -> assertThat(p).startsWith("temporal.embeddedPort: 'lots' is not a valid"));
  }

  @Test
  void temporalUiPortAndUrlAreValidated() {
    assertThat(parse("temporal: {}\n", NO_ENV).temporal())
        .satisfies(t -> assertThat(t.uiPort()).isEqualTo(8233))
        .satisfies(t -> assertThat(t.uiUrl()).isNull());
    assertThat(problems("temporal: {uiPort: 70000}\n", NO_ENV)).singleElement()
        .satisfies(p -> assertThat(p).isEqualTo("temporal.uiPort 70000 is not a port: use 0 to 65535"));
    assertThat(problems("temporal: {uiPort: 7300, embeddedPort: 7300}\n", NO_ENV)).singleElement()
        .satisfies(p -> assertThat(p).startsWith("temporal.uiPort 7300 is embeddedPort too"));
    assertThat(problems("temporal: {uiPort: many}\n", NO_ENV)).singleElement()
        .satisfies(p -> assertThat(p).startsWith("temporal.uiPort: 'many' is not a valid"));
    assertThat(problems("temporal: {uiUrl: temporal.example.com}\n", NO_ENV)).singleElement()
        .satisfies(p -> assertThat(p).startsWith("temporal.uiUrl: 'temporal.example.com' is not an http(s) URL"));
    assertThat(parse("temporal: {uiUrl: 'https://temporal.example.com/'}\n", NO_ENV).temporal().uiUrl())
        .isEqualTo("https://temporal.example.com/");
  }

  @Test
  void crossReferencesAndPolicyRolesAreChecked() {
    List<String> found = problems("""
        environments:
          prod: {services: [api], databases: [main]}
        policy:
          P1: {approvals: 1, roles: [sre], timeout: 15m, abortAfter: 1h}
        people:
          - {name: alice, roles: [engineering-lead], tokenSha256: abc}
          - {name: alice, roles: []}
        """, NO_ENV);
    assertThat(found).contains(
        "environments.prod.services: 'api' is not under services: add it there or remove it here",
        "environments.prod.databases: 'main' is not under databases: add it there or remove it here",
        "people[0].tokenSha256: not a SHA-256 hex digest: use the value printed by `runbook token new`",
        "people[1].name: 'alice' is listed twice: list each person once");
    assertThat(found).anySatisfy(p -> assertThat(p).startsWith("policy.P1.roles: nobody under people has sre"));
  }

  @Test
  void valuesFromTheEnvironmentNeverAppearInMessages() {
    String secret = "hunter2-super-secret";
    ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> parse("temporal: {embeddedPort: \"${PORT}\"}\naudit: {url: \"${DB_URL}\"}\n",
            Map.of("PORT", secret, "DB_URL", "jdbc:mysql://" + secret)),
        ConfigException.class);
    assertThat(e.getMessage()).doesNotContain(secret).contains("****");
    assertThatThrownBy(() -> parse("audit: {url: \"jdbc:postgresql://h/db?password=x\", user: u}\n", NO_ENV))
        .hasMessageContaining("audit.url: carries a password: move it to audit.password");
  }
}
