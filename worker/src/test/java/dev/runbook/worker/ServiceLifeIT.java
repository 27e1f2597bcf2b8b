package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.Releases;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackResult;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.FullRollbackResult;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service's life over several deploys and rollbacks, on the real {@code process} and {@code
 * command} adapters, the real rollback log in PostgreSQL and the embedded Temporal server: each
 * rollback goes back to a version that was good, never to one it left, and refuses when none is
 * left. Once with deploys made behind the ledger's back (the adapter's own history is all there
 * is at first), once with CI recording its deploys.
 */
class ServiceLifeIT {
  @TempDir Path dir;

  private Settings settings;
  private AuditDatabase audit;
  private Processes.DevStack stack;
  private ServiceActivitiesImpl outside;
  private RunbookClient runbooks;
  private int runs;

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    Path config = writeConfig();
    settings = new Settings(ConfigLoader.load(config, System::getenv), config.getParent(), config.toString());
    audit = AuditDatabase.open(new AuditDatabase.Server(pg.host(), pg.port(), pg.user(), pg.password(),
        TestPostgres.freshDatabase("life")));
    stack = new Processes.DevStack(settings, audit, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    runbooks = stack.runbooks;
    // Deploys made by hand or by CI, without the product: the same adapters, no ledger.
    outside = new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir());
  }

  @AfterEach
  void tearDown() {
    try {
      outside.stop(new ServiceAction("web", "test/stop/" + UUID.randomUUID(), false));
    } finally {
      stack.close();
      audit.close();
    }
  }

  private Path writeConfig() throws IOException {
    Path platform = dir.resolve("platform.sh");
    try (InputStream in = getClass().getResourceAsStream("/load/platform.sh")) {
      Files.copy(in, platform, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(platform, PosixFilePermissions.fromString("rwxr-xr-x"));
    String state = dir.resolve("platform-state").toString();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, Object> web = new LinkedHashMap<>();
    web.put("adapter", "process");
    web.put("process", Map.of(
        "argv", List.of(ChildJvm.java(), "-Xmx64m", "-cp", ChildJvm.classpath(),
            "dev.runbook.activities.demo.SampleService", "--port", Integer.toString(port), "--version", "{version}"),
        "stopGrace", "5s", "startTimeout", "30s"));
    web.put("healthUrl", "http://127.0.0.1:" + port + "/health");
    web.put("versionUrl", "http://127.0.0.1:" + port + "/version");
    web.put("verifyTimeout", "30s");
    String p = platform.toString();
    Map<String, Object> api = new LinkedHashMap<>();
    api.put("adapter", "command");
    api.put("command", Map.of(
        "deploy", List.of(p, state, "deploy", "api", "{version}"),
        "currentVersion", List.of(p, state, "current", "api"),
        "health", List.of(p, state, "health", "api"),
        "stop", List.of(p, state, "stop", "api"),
        "start", List.of(p, state, "start", "api")));
    api.put("verifyTimeout", "10s");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("temporal", Map.of("address", "embedded", "embeddedPort", 0));
    config.put("people", List.of(Map.of("name", "erin", "roles", List.of("on-call", "engineering-lead", "engineering-manager"))));
    config.put("services", Map.of("web", web, "api", api));
    config.put("environments", Map.of("prod", Map.of("services", List.of("api", "web"))));
    config.put("worker", Map.of("stateDir", dir.resolve("state").toString(), "metricsListen", "127.0.0.1:0"));
    Path file = dir.resolve("runbook.yaml");
    new YAMLMapper().writeValue(file.toFile(), config);
    return file;
  }

  private void deployOutside(String service, String version) {
    outside.deploy(new DeployRequest(service, version, "ci/" + service + "/" + version + "/" + UUID.randomUUID(), false));
  }

  private EmergencyRollbackResult rollBack(String service) {
    Runbooks.Started started = runbooks.start(new EmergencyRollbackRequest(service, Severity.P0,
        "errors after the last deploy (" + (++runs) + ")", "erin", false, null, null, false, null, null,
        Duration.ZERO, null));
    return runbooks.temporal().newUntypedWorkflowStub(started.workflowId()).getResult(EmergencyRollbackResult.class);
  }

  private String running(String service) {
    return outside.captureEvidence(new ServiceQuery(service, false)).currentVersion();
  }

  private static String targetDetail(EmergencyRollbackResult r) {
    return r.report().steps().stream().filter(s -> s.id().equals("resolve-target")).map(StepStatus::detail)
        .findFirst().orElse(null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"web", "api"})
  void deploysMadeBehindTheLedgersBack(String service) {
    deployOutside(service, "v1");
    deployOutside(service, "v2");
    deployOutside(service, "v3");

    EmergencyRollbackResult first = rollBack(service);
    assertThat(first.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(first.fromVersion()).isEqualTo("v3");
    assertThat(first.toVersion()).isEqualTo("v2");
    assertThat(targetDetail(first)).as("the ledger knew nothing yet: the adapter's list chose")
        .contains("the adapter lists").contains("no history of " + service);
    assertThat(running(service)).isEqualTo("v2");

    deployOutside(service, "v4");
    EmergencyRollbackResult second = rollBack(service);
    assertThat(second.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(second.fromVersion()).isEqualTo("v4");
    assertThat(second.toVersion()).as("v2 again, never v3, which was rolled back from").isEqualTo("v2");
    assertThat(targetDetail(second)).contains("release ledger").contains("verified healthy").contains("never rolled back from");
    assertThat(running(service)).isEqualTo("v2");

    EmergencyRollbackResult third = rollBack(service);
    assertThat(third.report().outcome()).isEqualTo(Phase.REFUSED);
    assertThat(third.report().message())
        .contains("no version is known good")
        .contains("v4 rolled back from").contains("v3 rolled back from").contains("v2 running now")
        .contains("--to-version").contains("--force").contains("record deploy");
    assertThat(running(service)).as("a refused run changes nothing").isEqualTo("v2");

    List<Releases.Release> ledger = stack.releases.history(service, 20);
    assertThat(ledger).extracting(Releases.Release::version).containsExactly("v2", "v4", "v2", "v3");
    assertThat(ledger).extracting(Releases.Release::state).first().asString().startsWith("running, verified healthy");
    assertThat(ledger.get(1).state()).startsWith("rolled back from by rollback-" + service);

    // Naming a version it left needs --force, and is recorded as forced.
    assertThatThrownBy(() -> runbooks.start(new EmergencyRollbackRequest(service, Severity.P0, "try v3 again",
        "erin", false, null, "v3", false, null, null, Duration.ZERO, null)))
        .isInstanceOf(RunbookException.StartRefused.class)
        .hasMessageContaining("v3 was rolled back from").hasMessageContaining("--force");
    Runbooks.Started forced = runbooks.start(new EmergencyRollbackRequest(service, Severity.P0,
        "v3 had the fix after all", "erin", false, null, "v3", false, null, null, Duration.ZERO, null, true));
    EmergencyRollbackResult f = runbooks.temporal().newUntypedWorkflowStub(forced.workflowId())
        .getResult(EmergencyRollbackResult.class);
    assertThat(f.toVersion()).isEqualTo("v3");
    assertThat(targetDetail(f)).contains("--force").contains("rolled back from");
    assertThat(stack.releases.history(service, 1).get(0).forced()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"web", "api"})
  void deploysRecordedByCi(String service) {
    for (String v : List.of("v1", "v2", "v3")) {
      deployOutside(service, v);
      stack.releases.record(service, v, null, !v.equals("v3"), "build-" + v, "ci");
    }

    assertThat(rollBack(service).toVersion()).isEqualTo("v2");
    deployOutside(service, "v4");
    stack.releases.record(service, "v4", null, false, "build-v4", "ci");
    EmergencyRollbackResult second = rollBack(service);
    assertThat(second.toVersion()).as("v2 again, never v3").isEqualTo("v2");
    EmergencyRollbackResult third = rollBack(service);
    assertThat(third.toVersion()).as("v1 was verified by CI and never rolled back from").isEqualTo("v1");
    assertThat(running(service)).isEqualTo("v1");

    EmergencyRollbackResult fourth = rollBack(service);
    assertThat(fourth.report().outcome()).as("nothing good is left but v1 itself").isEqualTo(Phase.REFUSED);
    assertThat(fourth.report().message()).contains("no version is known good").contains("v1 running now");
    assertThat(running(service)).isEqualTo("v1");
  }

  @Test
  void aServiceWhoseEveryVersionWasRolledBackFromIsRefusedBeforeAnythingStarts() {
    stack.releases.record("api", "v1", null, false, null, "ci");
    deployOutside("api", "v1");
    stack.releases.record("api", "v2", null, false, null, "ci");
    deployOutside("api", "v2");

    assertThatThrownBy(() -> rollBack("api"))
        .isInstanceOf(RunbookException.StartRefused.class)
        .hasMessageContaining("nothing was started")
        .hasMessageContaining("api: no version is known good")
        .hasMessageContaining("v1 never verified healthy and ran less than the soak time (1h)")
        .hasMessageContaining("--to-version");
    assertThat(running("api")).isEqualTo("v2");
  }

  @Test
  void aFullRollbackAfterSuchAHistoryTakesEachServiceToItsLastKnownGood() {
    for (String s : List.of("api", "web")) {
      deployOutside(s, "v1");
      deployOutside(s, "v2");
      stack.releases.record(s, "v1", null, true, null, "ci");
      stack.releases.record(s, "v2", null, true, null, "ci");
      stack.releases.record(s, "v3", null, false, null, "ci");
      deployOutside(s, "v3");
    }
    rollBack("api"); // api: v3 -> v2, v3 rolled back from
    deployOutside("api", "v4");
    stack.releases.record("api", "v4", null, false, null, "ci");

    Runbooks.Started started = runbooks.start(new FullRollbackRequest("prod", List.of("api", "web"), List.of(),
        Severity.P0, "release train 9 is broken", "erin", false, null, null, null, null));
    FullRollbackResult r = runbooks.temporal().newUntypedWorkflowStub(started.workflowId()).getResult(FullRollbackResult.class);

    assertThat(r.report().outcome()).isEqualTo(Phase.SUCCEEDED);
    assertThat(r.services()).extracting(FullRollbackResult.ServiceVersions::service, FullRollbackResult.ServiceVersions::toVersion)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("api", "v2"), org.assertj.core.groups.Tuple.tuple("web", "v2"));
    assertThat(running("api")).isEqualTo("v2");
    assertThat(running("web")).isEqualTo("v2");
    assertThat(stack.releases.history("api", 10).get(1).state()).startsWith("rolled back from by rollback-full-prod");
  }
}
