package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.runbook.activities.service.CommandSettings;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceActionResult;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frontend (Vercel, Netlify) and backend (Heroku, Render, Railway) rollbacks of {@code
 * runbook.example.yaml}: each service's command templates, exactly as the example writes them, run
 * by the real command adapter against a stand-in for that platform's CLI (in {@code
 * src/test/resources/platforms}) that checks its arguments as the CLI would, records its calls and
 * keeps the platform's state. Only the program each template names is pointed at its stand-in, and
 * the service's own health and version URLs at a local stand-in for the service.
 */
class PlatformExamplesTest {
  @TempDir Path dir;

  private Path bin;
  private RunbookConfig example;
  private HttpServer app;

  @BeforeEach
  void setUp() throws IOException {
    example = ConfigLoader.load(Path.of("..", "runbook.example.yaml"), Map.<String, String>of()::get);
    bin = Files.createDirectories(dir.resolve("bin"));
    for (String cli : List.of("vercel", "netlify", "heroku", "render", "railway")) {
      install(cli);
    }
    // The service as the platform runs it: healthy, and reporting the release the platform runs.
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/health", x -> answer(x, 200, "ok"));
    app.createContext("/version", x -> answer(x, 200, "{\"version\": \"" + read("live").strip() + "\"}"));
    app.start();
  }

  @AfterEach
  void tearDown() {
    app.stop(0);
  }

  @Test
  void vercelRollsTheProductionDomainBackToAnEarlierDeployment() {
    write("deployments", "storefront-9f8e7d6c5-shop.vercel.app\nstorefront-4a3b2c1d0-shop.vercel.app\n"
        + "storefront-1a2b3c4d5-shop.vercel.app\n");
    write("production", "storefront-9f8e7d6c5-shop.vercel.app\n");
    ServiceActivitiesImpl vercel = platform("storefront", "vercel");

    String running = vercel.captureEvidence(new ServiceQuery("storefront", false)).currentVersion();
    assertThat(running).isEqualTo("storefront-9f8e7d6c5-shop.vercel.app");
    TargetVersion target = vercel.resolveTarget(new TargetVersionRequest("storefront", running, null, false));
    assertThat(target.version()).isEqualTo("storefront-4a3b2c1d0-shop.vercel.app");
    assertThat(target.knownVersions()).hasSize(3);

    rollBackAndForth(vercel, "storefront", running, target.version());
    assertThat(calls()).contains(
        List.of("inspect", "shop.example.com", "--scope", "shop"),
        List.of("ls", "storefront", "--scope", "shop"),
        List.of("rollback", "storefront-4a3b2c1d0-shop.vercel.app", "--timeout", "5m", "--scope", "shop"),
        List.of("rollback", "storefront-9f8e7d6c5-shop.vercel.app", "--timeout", "5m", "--scope", "shop"));
  }

  @Test
  void netlifyPublishesAnEarlierDeployAgain() {
    write("site", "5b1c3f0e-7a2d-4c61-9e8b-2f4a6d0c9e13\n");
    write("deploys", "65f1c0a2b3c4d5e6f7a8b9c0\n65e0b1a2c3d4e5f6a7b8c9d0\n");
    write("published", "65f1c0a2b3c4d5e6f7a8b9c0\n");
    ServiceActivitiesImpl netlify = platform("landing", "netlify");

    String running = netlify.captureEvidence(new ServiceQuery("landing", false)).currentVersion();
    assertThat(running).as("the published deploy's ID, not the site's nor the account's")
        .isEqualTo("65f1c0a2b3c4d5e6f7a8b9c0");
    TargetVersion target = netlify.resolveTarget(new TargetVersionRequest("landing", running, null, false));
    assertThat(target.version()).isEqualTo("65e0b1a2c3d4e5f6a7b8c9d0");

    rollBackAndForth(netlify, "landing", running, target.version());
    assertThat(calls()).contains(List.of("api", "restoreSiteDeploy", "--data",
        "{\"site_id\": \"5b1c3f0e-7a2d-4c61-9e8b-2f4a6d0c9e13\", \"deploy_id\": \"65e0b1a2c3d4e5f6a7b8c9d0\"}"));
  }

  @Test
  void herokuRollsBackToAReleaseAndKnowsTheNewReleaseRunsThatOne() {
    write("releases", "40|Deploy 1a2b3c4\n41|Deploy 5d6e7f8\n42|Deploy 9a8b7c6\n");
    ServiceActivitiesImpl heroku = platform("worker", "heroku");

    String running = heroku.captureEvidence(new ServiceQuery("worker", false)).currentVersion();
    assertThat(running).isEqualTo("42");

    ServiceActionResult back = heroku.deploy(new DeployRequest("worker", "41", "rollback-worker/r1/deploy", false));
    assertThat(back.changed()).isTrue();
    // Heroku made release 43, a copy of 41: the version that runs is 41.
    assertThat(read("releases")).endsWith("43|Rollback to v41\n");
    assertThat(heroku.verify(new VerifyRequest("worker", "41", false)).version()).isEqualTo("41");
    assertRetriedAsTheFirstTime(back, heroku.deploy(new DeployRequest("worker", "41", "rollback-worker/r1/deploy", false)));
    assertThat(heroku.deploy(new DeployRequest("worker", "41", "rollback-worker/r2/deploy", false)).changed())
        .as("41 runs and is healthy: nothing to do").isFalse();

    heroku.deploy(new DeployRequest("worker", "42", "rollback-worker/r1/compensate-deploy", false));
    assertThat(read("releases")).endsWith("44|Rollback to v42\n");
    assertThat(heroku.captureEvidence(new ServiceQuery("worker", false)).currentVersion()).isEqualTo("42");
    assertThat(calls()).filteredOn(c -> c.get(0).equals("releases:rollback")).containsExactly(
        List.of("releases:rollback", "v41", "--app", "shop-worker"),
        List.of("releases:rollback", "v42", "--app", "shop-worker"));
    assertThat(calls()).contains(List.of("releases", "--app", "shop-worker", "--num", "1", "--json"),
        List.of("ps:wait", "--app", "shop-worker"));

    heroku.stop(new ServiceAction("worker", "rollback-full-prod/r2/stop-worker", false));
    assertThat(read("dynos")).isEqualTo("0\n");
    heroku.start(new ServiceAction("worker", "rollback-full-prod/r2/start-worker", false));
    assertThat(read("dynos")).isEqualTo("2\n");
  }

  @Test
  void renderBuildsTheCommitAgainAndTheServiceSaysItRunsIt() {
    write("commits", "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\n0f1e2d3c4b5a69788796a5b4c3d2e1f012345678\n");
    write("live", "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\n");
    ServiceActivitiesImpl render = platform("payments", "render");

    String running = render.captureEvidence(new ServiceQuery("payments", false)).currentVersion();
    assertThat(running).isEqualTo("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678");

    rollBackAndForth(render, "payments", running, "0f1e2d3c4b5a69788796a5b4c3d2e1f012345678");
    assertThat(calls()).contains(List.of("deploys", "create", "srv-d0payments7q2x", "--commit",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f012345678", "--wait", "--confirm", "--output", "json"));
  }

  @Test
  void railwayUploadsTheKeptReleaseAgainAndTheServiceSaysItRunsIt() throws IOException {
    Files.createDirectories(dir.resolve("releases/2026.03.1"));
    Files.createDirectories(dir.resolve("releases/2026.03.2"));
    write("live", "2026.03.2\n");
    ServiceActivitiesImpl railway = platform("notifier", "railway");

    String running = railway.captureEvidence(new ServiceQuery("notifier", false)).currentVersion();
    assertThat(running).isEqualTo("2026.03.2");

    rollBackAndForth(railway, "notifier", running, "2026.03.1");
    assertThat(calls()).contains(List.of("up", "releases/2026.03.1", "--path-as-root", "--service", "notifier",
        "--environment", "production", "--ci", "--message", "rollback to 2026.03.1"));
  }

  /**
   * Rolls back from {@code running} to {@code earlier} and checks it, as a run does; the same
   * deploy again changes nothing; then puts {@code running} back, as a compensation does.
   */
  private void rollBackAndForth(ServiceActivitiesImpl platform, String service, String running, String earlier) {
    ServiceActionResult back = platform.deploy(new DeployRequest(service, earlier, "rollback-" + service + "/r1/deploy", false));
    assertThat(back.changed()).isTrue();
    assertThat(back.detail()).contains("(running now: " + running + ")");
    assertThat(platform.verify(new VerifyRequest(service, earlier, false)).version()).isEqualTo(earlier);
    int deploys = deployCalls();
    assertRetriedAsTheFirstTime(back,
        platform.deploy(new DeployRequest(service, earlier, "rollback-" + service + "/r1/deploy", false)));
    assertThat(platform.deploy(new DeployRequest(service, earlier, "rollback-" + service + "/r2/deploy", false))
        .changed()).as("the version runs and is healthy: nothing to do").isFalse();
    assertThat(deployCalls()).isEqualTo(deploys);

    platform.deploy(new DeployRequest(service, running, "rollback-" + service + "/r1/compensate-deploy", false));
    assertThat(platform.captureEvidence(new ServiceQuery(service, false)).currentVersion()).isEqualTo(running);
  }

  /** A retried activity (the same key) does nothing again and answers as the first time. */
  private static void assertRetriedAsTheFirstTime(ServiceActionResult first, ServiceActionResult retried) {
    assertThat(retried.changed()).isEqualTo(first.changed());
    assertThat(retried.planned()).isEqualTo(first.planned());
    assertThat(retried.detail()).startsWith("already done under this key at ").endsWith(first.detail());
  }

  /** The example's service with its programs pointed at the stand-ins, and its URLs at the local app. */
  private ServiceActivitiesImpl platform(String service, String cli) {
    ServiceSettings s = example.services().get(service);
    assertThat(s.adapter()).isEqualTo("command");
    CommandSettings c = s.command();
    assertThat(c.deploy().get(0)).as("the example runs the platform's own CLI").isEqualTo(cli);
    CommandSettings faked = new CommandSettings(fake(c.stop()), fake(c.start()), fake(c.deploy()),
        fake(c.currentVersion()), fake(c.listVersions()), fake(c.health()), dir.toString(), c.timeout(),
        c.versionPattern());
    String local = "http://127.0.0.1:" + app.getAddress().getPort();
    ServiceSettings settings = new ServiceSettings(s.adapter(), null, faked, null, null,
        s.healthUrl() == null ? null : local + "/health", s.versionUrl() == null ? null : local + "/version",
        s.versionField(), s.smokeChecks(), s.errorRate(), s.verifyTimeout(), s.soak());
    return new ServiceActivitiesImpl(Map.of(service, settings), dir, dir.resolve("state"), System.getenv("PATH"),
        Clock.systemUTC());
  }

  private List<String> fake(List<String> template) {
    if (template.isEmpty()) {
      return template;
    }
    List<String> argv = new ArrayList<>(template);
    assertThat(Files.isExecutable(bin.resolve(argv.get(0)))).as(argv.get(0)).isTrue();
    argv.set(0, bin.resolve(argv.get(0)).toString());
    return argv;
  }

  private int deployCalls() {
    return (int) calls().stream()
        .filter(c -> List.of("rollback", "releases:rollback", "deploys", "up").contains(c.get(0))
            || c.size() > 1 && c.get(1).equals("restoreSiteDeploy"))
        .count();
  }

  /** Each call the stand-ins recorded: its arguments, one per line, ended by "--". */
  private List<List<String>> calls() {
    List<List<String>> calls = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : read("calls.log").split("\n", -1)) {
      if (line.equals("--")) {
        calls.add(current);
        current = new ArrayList<>();
      } else if (!line.isEmpty()) {
        current.add(line);
      }
    }
    return calls;
  }

  private void install(String cli) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/platforms/" + cli)) {
      Path target = bin.resolve(cli);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private void write(String file, String text) {
    try {
      Files.writeString(bin.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read(String file) {
    try {
      Path p = bin.resolve(file);
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.strip().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
    x.sendResponseHeaders(status, bytes.length);
    try (var out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
