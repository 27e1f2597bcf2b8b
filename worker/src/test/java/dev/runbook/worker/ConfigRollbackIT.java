package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.config.ConfigKey;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.Releases;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.StepStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration rolled back on its own, for real: the sample service, a process that reads its
 * {@code .env} when it starts, and a platform's variables behind a fake {@code heroku} CLI that
 * records every call; the rollback log in PostgreSQL, the embedded Temporal server, and deploys
 * recorded the way CI records them (a worker snapshots the configuration). A bad variable is
 * deployed and recorded; {@code --config-only} brings the configuration that ran healthy back and
 * restarts the service, whose health passes; a second configuration rollback does not go back to
 * the bad one: the ledger knows it was rolled back from.
 */
class ConfigRollbackIT {
  private static final String GOOD = "# shop, production\nPAYMENTS_URL=https://pay.example.com\n"
      + "STRIPE_KEY=sk_live_good_4242\n";
  private static final String BAD = "# shop, production\nPAYMENTS_URL=htps://pay.example.com\n"
      + "STRIPE_KEY=sk_live_bad_9999\nNEW_FLAG=enabled-now\n";

  @TempDir Path dir;

  private AuditDatabase audit;
  private Processes.DevStack stack;
  private ServiceActivitiesImpl outside;
  private Path env;
  private Path heroku;
  private int port;
  private int runs;

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    env = dir.resolve(".env");
    Files.writeString(env, GOOD);
    Path bin = Files.createDirectories(dir.resolve("heroku"));
    heroku = bin.resolve("heroku");
    try (InputStream in = getClass().getResourceAsStream("/service/fake-heroku")) {
      Files.copy(in, heroku, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(heroku, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = writeConfig();
    Map<String, String> environment = Map.of(ConfigKey.ENV, ConfigKey.newKey());
    Settings settings = new Settings(ConfigLoader.load(config, environment::get), config.getParent(), config.toString());
    audit = AuditDatabase.open(new AuditDatabase.Server(pg.host(), pg.port(), pg.user(), pg.password(),
        TestPostgres.freshDatabase("config_it")));
    stack = new Processes.DevStack(settings, audit, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null, environment::get);
    // Deploys and restarts made by hand or by CI, without the product.
    outside = new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir());
  }

  @AfterEach
  void tearDown() {
    try {
      outside.stop(new ServiceAction("shop", "test/stop/" + UUID.randomUUID(), false));
    } finally {
      stack.close();
      audit.close();
    }
  }

  private Path writeConfig() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, Object> shop = new LinkedHashMap<>();
    shop.put("adapter", "process");
    shop.put("process", Map.of(
        "argv", List.of(ChildJvm.java(), "-Xmx64m", "-cp", ChildJvm.classpath(),
            "dev.runbook.activities.demo.SampleService", "--port", Integer.toString(port), "--version", "{version}",
            "--env-file", env.toString()),
        "stopGrace", "5s", "startTimeout", "3s"));
    shop.put("healthUrl", "http://127.0.0.1:" + port + "/health");
    shop.put("versionUrl", "http://127.0.0.1:" + port + "/version");
    shop.put("verifyTimeout", "10s");
    shop.put("config", Map.of("envFile", ".env"));
    String h = heroku.toString();
    Map<String, Object> api = new LinkedHashMap<>();
    api.put("adapter", "command");
    api.put("command", Map.of(
        "deploy", List.of(h, "releases:rollback", "{version}", "--app", "shop-api"),
        "currentVersion", List.of(h, "releases:current", "--app", "shop-api"),
        "health", List.of(h, "status", "--app", "shop-api")));
    api.put("verifyTimeout", "5s");
    api.put("config", Map.of(
        "command", Map.of(
            "get", List.of(h, "config", "--json", "--app", "shop-api"),
            "set", List.of(h, "config:set", "{name}={value}", "--app", "shop-api"),
            "unset", List.of(h, "config:unset", "{name}", "--app", "shop-api")),
        "restart", List.of(h, "ps:restart", "--app", "shop-api")));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("temporal", Map.of("address", "embedded", "embeddedPort", 0));
    config.put("people", List.of(Map.of("name", "erin", "roles", List.of("on-call", "engineering-lead", "engineering-manager"))));
    config.put("services", Map.of("shop", shop, "api", api));
    config.put("worker", Map.of("stateDir", dir.resolve("state").toString(), "metricsListen", "127.0.0.1:0"));
    Path file = dir.resolve("runbook.yaml");
    new YAMLMapper().writeValue(file.toFile(), config);
    return file;
  }

  private Runbooks.Started startConfigOnly(String service) {
    return stack.runbooks.start(new EmergencyRollbackRequest(service, Severity.P0,
        "payments failing since the last configuration change (" + (++runs) + ")", "erin", false, null, null, false,
        null, null, Duration.ZERO, null, false, null, null, true, false));
  }

  private EmergencyRollbackResult configOnly(String service) {
    Runbooks.Started started = startConfigOnly(service);
    return stack.runbooks.temporal().newUntypedWorkflowStub(started.workflowId()).getResult(EmergencyRollbackResult.class);
  }

  private boolean healthy(String service) {
    return outside.health(new ServiceQuery(service, false)).healthy();
  }

  private static String detail(EmergencyRollbackResult r, String step) {
    return r.report().steps().stream().filter(s -> s.id().equals(step)).map(StepStatus::detail).findFirst().orElse(null);
  }

  private long pid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("state/shop/pid")).strip().split(" ")[0]);
  }

  @Test
  void aRealProcessGetsItsEnvFileBackRestartsAndTheBadConfigurationIsNeverChosenAgain() throws Exception {
    assertThatThrownBy(() -> startConfigOnly("shop"))
        .as("before any configuration is recorded there is none known good")
        .isInstanceOf(RunbookException.StartRefused.class)
        .hasMessageContaining("shop: no configuration is known good")
        .hasMessageContaining("no release of shop has a configuration snapshot yet");

    outside.deploy(new DeployRequest("shop", "v1", "ci/v1", false));
    assertThat(healthy("shop")).isTrue();
    Releases.Recorded good = stack.releases.record("shop", "v1", null, true, "job-1", "ci");
    assertThat(good.release().config()).matches("cfg-[0-9a-f]{12}");
    assertThat(good.release().configState()).startsWith("running now, verified healthy by ci");

    // A bad variable deployed: the file changes, the service restarts and reads it.
    Files.writeString(env, BAD);
    outside.restart(new ServiceAction("shop", "ci/restart-1", false));
    assertThat(healthy("shop")).isFalse();
    Releases.Recorded bad = stack.releases.record("shop", "v1", null, false, "job-2", "ci");
    assertThat(bad.created()).as("the same version with another configuration is a new release").isTrue();
    assertThat(bad.release().config()).isNotEqualTo(good.release().config());
    long badPid = pid();

    EmergencyRollbackResult first = configOnly("shop");

    assertThat(first.report().outcome()).as(first.report().message()).isEqualTo(Phase.SUCCEEDED);
    assertThat(Files.readString(env)).as("the exact file, comment included").isEqualTo(GOOD);
    assertThat(pid()).as("restarted to read it").isNotEqualTo(badPid);
    assertThat(healthy("shop")).isTrue();
    assertThat(outside.health(new ServiceQuery("shop", false)).version()).isEqualTo("v1");
    assertThat(first.fromConfig()).isEqualTo(bad.release().config());
    assertThat(first.toConfig()).isEqualTo(good.release().config());
    assertThat(detail(first, "resolve-config")).startsWith("restore " + good.release().config() + " (release ledger:")
        .contains("NEW_FLAG removed", "PAYMENTS_URL changed (", "STRIPE_KEY changed (");
    assertThat(first.report().steps()).extracting(StepStatus::id)
        .contains("resolve-config", "restore-config", "restart", "verify");

    List<Releases.Release> ledger = stack.releases.history("shop", 10);
    assertThat(ledger).extracting(Releases.Release::version).containsExactly("v1", "v1", "v1");
    assertThat(ledger.get(0).config()).isEqualTo(good.release().config());
    assertThat(ledger.get(0).state()).startsWith("running, verified healthy by rollback-shop");
    assertThat(ledger.get(1).configState()).startsWith("rolled back from by rollback-shop (payments failing");
    assertThat(ledger.get(1).state()).as("the version itself was not left").doesNotContain("rolled back from");

    long goodPid = pid();
    EmergencyRollbackResult second = configOnly("shop");
    assertThat(second.report().outcome()).isEqualTo(Phase.REFUSED);
    assertThat(second.report().message()).contains("no configuration is known good")
        .contains(bad.release().config() + " rolled back from by rollback-shop");
    assertThat(Files.readString(env)).as("never the bad one again").isEqualTo(GOOD);
    assertThat(pid()).as("a refused run restarts nothing").isEqualTo(goodPid);
  }

  private List<List<String>> herokuCalls() throws IOException {
    List<List<String>> calls = new ArrayList<>();
    Path log = heroku.resolveSibling("calls.log");
    List<String> current = new ArrayList<>();
    for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
      if (line.equals("--")) {
        calls.add(current);
        current = new ArrayList<>();
      } else {
        current.add(line);
      }
    }
    return calls;
  }

  private void herokuRun(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(heroku.toString()));
    argv.addAll(List.of(args));
    assertThat(new ProcessBuilder(argv).start().waitFor()).isZero();
  }

  @Test
  void thePlatformsVariablesThroughItsCliTheSameWay() throws Exception {
    herokuRun("config:set", "PAYMENTS_URL=https://pay.example.com", "--app", "shop-api");
    herokuRun("config:set", "STRIPE_KEY=sk_live_good_4242", "--app", "shop-api");
    outside.deploy(new DeployRequest("api", "v7", "ci/v7", false));
    assertThat(healthy("api")).isTrue();
    Releases.Recorded good = stack.releases.record("api", "v7", null, true, "job-7", "ci");

    herokuRun("config:set", "PAYMENTS_URL=htps://pay.example.com", "--app", "shop-api");
    herokuRun("config:set", "NEW_FLAG=enabled-now", "--app", "shop-api");
    herokuRun("ps:restart", "--app", "shop-api");
    assertThat(healthy("api")).isFalse();
    Releases.Recorded bad = stack.releases.record("api", "v7", null, false, "job-8", "ci");
    int before = herokuCalls().size();

    EmergencyRollbackResult first = configOnly("api");

    assertThat(first.report().outcome()).as(first.report().message()).isEqualTo(Phase.SUCCEEDED);
    assertThat(healthy("api")).isTrue();
    List<List<String>> calls = herokuCalls().subList(before, herokuCalls().size());
    assertThat(calls).filteredOn(c -> !c.get(0).equals("config") && !c.get(0).equals("status")
            && !c.get(0).equals("releases:current"))
        .as("what changed, then the restart")
        .containsExactly(
            List.of("config:set", "PAYMENTS_URL=https://pay.example.com", "--app", "shop-api"),
            List.of("config:unset", "NEW_FLAG", "--app", "shop-api"),
            List.of("ps:restart", "--app", "shop-api"));
    assertThat(calls).noneMatch(c -> c.get(0).equals("releases:rollback"));
    assertThat(detail(first, "restore-config")).startsWith("restored configuration " + good.release().config())
        .doesNotContain("pay.example.com").doesNotContain("sk_live");

    EmergencyRollbackResult second = configOnly("api");
    assertThat(second.report().outcome()).isEqualTo(Phase.REFUSED);
    assertThat(second.report().message()).contains(bad.release().config() + " rolled back from");
    assertThat(Files.readString(heroku.resolveSibling("vars"))).contains("PAYMENTS_URL=https://pay.example.com")
        .doesNotContain("NEW_FLAG");
  }
}
