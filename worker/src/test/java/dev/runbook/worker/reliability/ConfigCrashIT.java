package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.config.ConfigActivitiesImpl;
import dev.runbook.activities.config.ConfigKey;
import dev.runbook.activities.ledger.ReleaseHistory;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.Webhook;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full rollback of two services that read their configuration from env files, with the
 * database of one, on the real Temporal server: versions, schema and configurations come back
 * together while the worker (its own OS process) is killed with SIGKILL after a configuration
 * restore did its work and before Temporal heard of it, then at every other step boundary (at every
 * one, this was among the longest suites in CI). Each bad
 * configuration breaks its service's health, so the checks at the end pass only if the right files
 * are back and the services read them.
 */
class ConfigCrashIT {
  private static final String GOOD_SHOP = "# shop\nPAYMENTS_URL=https://pay.example.com\nSTRIPE_KEY=sk_live_shop_good\n";
  private static final String BAD_SHOP = "# shop\nPAYMENTS_URL=htps://pay.example.com\nSTRIPE_KEY=sk_live_shop_bad\n"
      + "NEW_FLAG=on\n";
  private static final String GOOD_CART = "# cart\nPAYMENTS_URL=https://pay.example.com\nCART_TTL=3600\n";
  private static final String BAD_CART = "# cart\nPAYMENTS_URL=pay.example.com\nCART_TTL=60\n";

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;
  static Stack stack;
  static int cartPort;
  private static Stack.Worker survivor;
  /** Why each killed worker died, as it said before its SIGKILL. */
  private static final List<String> deaths = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      cartPort = s.getLocalPort();
    }
    Files.writeString(dir.resolve("shop.env"), GOOD_SHOP);
    Files.writeString(dir.resolve("cart.env"), GOOD_CART);
    stack = Stack.create(dir, ConfigCrashIT::withConfigurations);
  }

  /** Shop reads shop.env; cart, a second sample service, reads cart.env; both are configurations. */
  @SuppressWarnings("unchecked")
  private static void withConfigurations(Map<String, Object> tree) {
    Map<String, Object> services = new LinkedHashMap<>((Map<String, Object>) tree.get("services"));
    Map<String, Object> shop = (Map<String, Object>) services.get(Demo.SERVICE);
    Map<String, Object> process = (Map<String, Object>) shop.get("process");
    List<Object> argv = (List<Object>) process.get("argv");
    argv.addAll(List.of("--env-file", dir.resolve("shop.env").toString()));
    process.put("startTimeout", "3s");
    shop.put("config", Map.of("envFile", dir.resolve("shop.env").toString()));

    List<Object> cartArgv = new ArrayList<>(argv.subList(0, argv.indexOf("--port")));
    cartArgv.addAll(List.of("--port", Integer.toString(cartPort), "--version", "{version}",
        "--env-file", dir.resolve("cart.env").toString()));
    Map<String, Object> cart = new LinkedHashMap<>();
    cart.put("adapter", "process");
    cart.put("process", Map.of("argv", cartArgv, "stopGrace", "5s", "startTimeout", "3s"));
    cart.put("healthUrl", "http://127.0.0.1:" + cartPort + "/health");
    cart.put("versionUrl", "http://127.0.0.1:" + cartPort + "/version");
    cart.put("verifyTimeout", "30s");
    cart.put("config", Map.of("envFile", dir.resolve("cart.env").toString()));
    services.put("cart", cart);
    tree.put("services", services);
  }

  @AfterAll
  static void stop() throws Exception {
    if (survivor != null) {
      survivor.stop();
    }
    if (stack != null) {
      stack.services.stop(new ServiceAction("cart", "close/" + UUID.randomUUID(), false));
      stack.close();
    }
  }

  /** Records a release of what runs now, with a snapshot of its configuration, as CI would. */
  private static String record(ConfigActivitiesImpl configs, ReleaseLedger ledger, String service, String version,
      boolean verified) {
    String snapshot = configs.snapshot(new SnapshotRequest(service, "ci", false)).snapshotId();
    ledger.record(new ReleaseLedger.Recorded(service, version, null, "ci", verified, "ci/" + UUID.randomUUID(), snapshot));
    return snapshot;
  }

  private static void deploy(String service, String version) {
    stack.services.deploy(new DeployRequest(service, version, "setup/" + UUID.randomUUID(), false));
  }

  private static boolean healthy(String service) {
    return stack.services.health(new ServiceQuery(service, false)).healthy();
  }

  @Test
  void aFullRollbackBringsBackVersionsSchemaAndConfigurationsOfTwoServicesWhileWorkersAreKilled() throws Exception {
    ReleaseLedger ledger = new ReleaseLedger(stack.logDb, Clock.systemUTC());
    ConfigActivitiesImpl configs = new ConfigActivitiesImpl(stack.settings.services(), stack.config.getParent(),
        ConfigKey.parse(stack.env.get(ConfigKey.ENV)), stack.logDb, ledger);
    // What ran healthy: shop v1 and cart c1 with their good configurations.
    stack.resetShop();
    String shopGood = record(configs, ledger, Demo.SERVICE, "v1", true);
    deploy("cart", "c1");
    String cartGood = record(configs, ledger, "cart", "c1", true);
    // The release train: shop v2 (with migration 3) and cart c2, each with a bad configuration.
    deploy("cart", "c2");
    Files.writeString(dir.resolve("shop.env"), BAD_SHOP);
    Files.writeString(dir.resolve("cart.env"), BAD_CART);
    String shopBad = record(configs, ledger, Demo.SERVICE, "v2", false);
    String cartBad = record(configs, ledger, "cart", "c2", false);
    stack.services.restart(new ServiceAction(Demo.SERVICE, "setup/" + UUID.randomUUID(), false));
    stack.services.restart(new ServiceAction("cart", "setup/" + UUID.randomUUID(), false));
    assertThat(healthy(Demo.SERVICE)).isFalse();
    assertThat(healthy("cart")).isFalse();
    int before = stack.webhook.accepted().size();

    var started = stack.runbooks.start(new FullRollbackRequest("demo", List.of(Demo.SERVICE, "cart"),
        List.of(Demo.SERVICE), Severity.P0, "release train 12 broke payments", "erin", false, null, null,
        Map.of(Demo.SERVICE, "2"), null));
    List<Instant> kills = killUntilDone(started.runId(),
        i -> i == 0 ? "after:ConfigRestore:1" : "boundary:AuditRecord:2");
    Figures.record("full rollback of two services with their schema and configurations, worker killed after a"
        + " configuration restore did its work and at every other step boundary",
        kills.size() + " kills, run " + stack.statusOnceAWorkerPolls(started.workflowId()).phase().label());

    RunStatus s = stack.statusOnceAWorkerPolls(started.workflowId());
    assertThat(s.phase()).as(s.outcomeMessage()).isEqualTo(Phase.SUCCEEDED);
    FullRollbackResult result = stack.connection.client().newUntypedWorkflowStub(started.workflowId())
        .getResult(FullRollbackResult.class);
    assertThat(result.services()).extracting(v -> v.service() + " " + v.fromVersion() + "->" + v.toVersion() + " "
            + v.fromConfig() + "->" + v.toConfig() + " " + v.healthy())
        .containsExactly(Demo.SERVICE + " v2->v1 " + shopBad + "->" + shopGood + " true",
            "cart c2->c1 " + cartBad + "->" + cartGood + " true");
    // the versions, the configurations (byte for byte), read by the services: their health passes
    assertThat(Demo.serviceVersion(stack.servicePort)).contains("\"v1\"");
    assertThat(Demo.serviceVersion(cartPort)).contains("\"c1\"");
    assertThat(Files.readString(dir.resolve("shop.env"))).isEqualTo(GOOD_SHOP);
    assertThat(Files.readString(dir.resolve("cart.env"))).isEqualTo(GOOD_CART);
    assertThat(healthy(Demo.SERVICE)).isTrue();
    assertThat(healthy("cart")).isTrue();
    // the schema, reverted once, its data intact; one backup
    assertThat(stack.shopQuery("select max(version::int) from flyway_schema_history where success")).isEqualTo(2);
    assertThat(stack.shopQuery("select count(*) from orders where price > 0")).isEqualTo(5000);
    try (Stream<Path> backups = Files.list(stack.backupDir(Demo.SERVICE))) {
      assertThat(backups.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && n.contains(WorkerCrashIT.tag(started.runId())))).hasSize(1);
    }
    // the ledger: what each service runs now, with which configuration, and what was left
    for (String[] service : new String[][] {{Demo.SERVICE, "v1", "v2", shopGood, shopBad}, {"cart", "c1", "c2", cartGood, cartBad}}) {
      ReleaseHistory h = ledger.history(service[0], null);
      assertThat(h.releases().get(0).version()).isEqualTo(service[1]);
      assertThat(h.releases().get(0).configSnapshot()).isEqualTo(service[3]);
      assertThat(h.releases().get(0).verified()).isTrue();
      assertThat(h.rolledBack(service[2])).as(service[0] + "'s version").isPresent();
      assertThat(h.configRolledBack(service[4])).as(service[0] + "'s configuration").isPresent();
    }
    // each message once; the rollback log without gaps
    Map<String, Long> perKey = stack.webhook.accepted().subList(before, stack.webhook.accepted().size()).stream()
        .collect(Collectors.groupingBy(Webhook.Message::idempotencyKey, Collectors.counting()));
    assertThat(perKey).isNotEmpty().allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    assertThat(stack.logQuery("select count(*) from runs where run_id = ? and outcome = 'succeeded'", started.runId()))
        .isEqualTo(1);
    assertThat(stack.logQuery("select max(seq) - count(*) from run_events where run_id = ?", started.runId())).isZero();
    assertThat(kills).as("a kill at every other log write between steps").hasSizeGreaterThanOrEqualTo(4);
    assertThat(deaths.get(0)).isEqualTo("SIGKILL after ConfigRestore did its work, before reporting it");
    assertThat(deaths.subList(1, deaths.size())).allSatisfy(d -> assertThat(d).startsWith("SIGKILL at step boundary"));
  }

  /** Starts workers with the crash point until the run ends; returns the kill times. */
  private static List<Instant> killUntilDone(String runId, IntFunction<String> crashPoint) throws Exception {
    Stack.Crashes crashes = stack.crashUntilDone(runId, crashPoint);
    survivor = crashes.survivor();
    deaths.addAll(crashes.deaths());
    return crashes.kills();
  }

}
