package dev.runbook.activities.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.config.ConfigSettings;
import dev.runbook.activities.demo.SampleService;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceActionResult;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service restarted so it reads its configuration again: the process adapter against the real
 * sample service reading its env file, the other adapters against their fakes, and a configured
 * restart command; each done once per key.
 */
class RestartTest {
  @TempDir Path dir;

  @Test
  void aRestartedProcessReadsItsEnvFileAgainAndTheSameKeyDoesNotRestartItTwice() throws Exception {
    int port = Fakes.freePort();
    Path env = dir.resolve(".env");
    Files.writeString(env, "PAYMENTS_URL=htps://pay.example.com\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessSettings process = new ProcessSettings(List.of(java, "-cp",
        SampleService.class.getProtectionDomain().getCodeSource().getLocation().getPath(),
        SampleService.class.getName(), "--port", Integer.toString(port), "--version", "{version}",
        "--env-file", env.toString()), null, Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(3));
    ServiceSettings api = new ServiceSettings("process", process, null, null, null,
        "http://127.0.0.1:" + port + "/health", "http://127.0.0.1:" + port + "/version", null, null, null,
        Duration.ofSeconds(3)).withConfig(new ConfigSettings(".env", null, null, null));
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(Map.of("api", api), dir, dir.resolve("state"),
        System.getenv("PATH"), Clock.systemUTC());
    try {
      services.deploy(new DeployRequest("api", "v1", "setup/v1", false));
      assertThat(services.health(new ServiceQuery("api", false)).healthy()).as("a bad PAYMENTS_URL").isFalse();
      Files.writeString(env, "PAYMENTS_URL=https://pay.example.com\n");
      assertThat(services.health(new ServiceQuery("api", false)).healthy()).as("read at start only").isFalse();
      long before = pid();

      ServiceActionResult planned = services.restart(new ServiceAction("api", "rollback-api/1/restart", true));
      assertThat(planned.changed()).isFalse();
      assertThat(planned.planned()).anySatisfy(p -> assertThat(p).startsWith("kill -TERM " + before))
          .anySatisfy(p -> assertThat(p).contains("--version v1"));
      assertThat(pid()).isEqualTo(before);

      ServiceActionResult restarted = services.restart(new ServiceAction("api", "rollback-api/1/restart", false));
      assertThat(restarted.changed()).isTrue();
      assertThat(restarted.detail()).startsWith("restart api v1: stopped pid " + before);
      assertThat(pid()).isNotEqualTo(before);
      assertThat(services.health(new ServiceQuery("api", false)).healthy()).isTrue();

      long after = pid();
      ServiceActionResult again = services.restart(new ServiceAction("api", "rollback-api/1/restart", false));
      assertThat(again.detail()).startsWith("already done under this key");
      assertThat(pid()).isEqualTo(after);
    } finally {
      services.stop(new ServiceAction("api", "cleanup/" + UUID.randomUUID(), false));
    }
  }

  @Test
  void aProcessStartedBeforeTheWorkersDeployedItRestartsOnTheVersionItSaysItRuns() throws Exception {
    int port = Fakes.freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = SampleService.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    ProcessSettings process = new ProcessSettings(List.of(java, "-cp", classpath, SampleService.class.getName(),
        "--port", Integer.toString(port), "--version", "{version}"), null, Map.of(), Duration.ofSeconds(5),
        Duration.ofSeconds(3));
    ServiceSettings api = new ServiceSettings("process", process, null, null, null,
        "http://127.0.0.1:" + port + "/health", "http://127.0.0.1:" + port + "/version", null, null, null,
        Duration.ofSeconds(3));
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(Map.of("api", api), dir, dir.resolve("state"),
        System.getenv("PATH"), Clock.systemUTC());
    // Started by hand (or by the pipeline before these workers ran it), recorded where the adapter looks.
    Process byHand = new ProcessBuilder(java, "-cp", classpath, SampleService.class.getName(), "--port",
        Integer.toString(port), "--version", "v7").redirectErrorStream(true)
        .redirectOutput(dir.resolve("by-hand.log").toFile()).start();
    Files.createDirectories(dir.resolve("state/api"));
    Files.writeString(dir.resolve("state/api/pid"), byHand.pid() + " -\n");
    try {
      for (int i = 0; i < 50 && !services.health(new ServiceQuery("api", false)).healthy(); i++) {
        Thread.sleep(200);
      }
      ServiceActionResult restarted = services.restart(new ServiceAction("api", "drill-api-0000000a-break-restart",
          false));

      assertThat(restarted.detail()).startsWith("restart api v7: stopped pid " + byHand.pid());
      assertThat(byHand.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(services.captureEvidence(new ServiceQuery("api", false)).currentVersion()).isEqualTo("v7");
    } finally {
      byHand.destroyForcibly();
      services.stop(new ServiceAction("api", "cleanup/" + UUID.randomUUID(), false));
    }
  }

  private long pid() throws Exception {
    return Long.parseLong(Files.readString(dir.resolve("state/api/pid")).strip().split(" ")[0]);
  }

  @Test
  void aConfiguredRestartCommandComesBeforeTheAdapters() throws Exception {
    Path marker = dir.resolve("restarted");
    ServiceSettings web = new ServiceSettings("command", null,
        new CommandSettings(null, null, List.of("true", "{version}"), null, null, List.of("true"), null, null),
        null, null, null, null, null, null, null, null)
        .withConfig(new ConfigSettings(".env", null, null, List.of("touch", marker + "-{service}")));
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(Map.of("web", web), dir, dir.resolve("state"),
        System.getenv("PATH"), Clock.systemUTC());

    ServiceActionResult r = services.restart(new ServiceAction("web", "k/1", false));

    assertThat(r.planned()).containsExactly("touch " + marker + "-web");
    assertThat(dir.resolve("restarted-web")).exists();
  }

  @Test
  void aCommandServiceWithoutStopAndStartOrARestartCommandSaysWhatToSet() {
    ServiceSettings web = new ServiceSettings("command", null,
        new CommandSettings(null, null, List.of("true", "{version}"), null, null, List.of("true"), null, null),
        null, null, null, null, null, null, null, null);
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(Map.of("web", web), dir, dir.resolve("state"),
        System.getenv("PATH"), Clock.systemUTC());

    assertThat(Fakes.failure(() -> services.restart(new ServiceAction("web", "k/1", false))).getOriginalMessage())
        .isEqualTo("services.web cannot be restarted: set services.web.config.restart to the command that restarts it"
            + " (or command.stop and command.start)");
  }

  @Test
  void aComposeServiceIsRecreatedAndAKubernetesDeploymentRollsItsPods() throws Exception {
    Path bin = dir.resolve("bin");
    Fakes.install("fake-docker", bin, "docker");
    Fakes.install("fake-kubectl", bin, "kubectl");
    Fakes.write(bin.resolve("service"), "api\n");
    Fakes.write(bin.resolve("state"), "running\n");
    Fakes.write(bin.resolve("deployment"), "web\n");
    Fakes.write(bin.resolve("replicas"), "2\n");
    Fakes.write(bin.resolve("revisions"), "1\tregistry.example.com/shop/web:w1\n");
    Fakes.write(dir.resolve(".env"), "IMAGE_TAG=v1\n");
    ServiceSettings api = new ServiceSettings("docker-compose", null, null,
        new ComposeSettings("compose.yml", "shop", null, ".env", null, null, null, null), null, null, null, null,
        null, null, null);
    ServiceSettings web = new ServiceSettings("kubernetes", null, null, null,
        new KubernetesSettings(null, "shop", "web", null, "registry.example.com/shop/web", null,
            Duration.ofSeconds(30), null), null, null, null, null, null, null);
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(Map.of("api", api, "web", web), dir,
        dir.resolve("state"), bin + File.pathSeparator + System.getenv("PATH"), Clock.systemUTC());

    assertThat(services.restart(new ServiceAction("api", "k/api", false)).planned()).singleElement()
        .satisfies(p -> assertThat(p).endsWith("up -d --force-recreate api"));
    assertThat(services.restart(new ServiceAction("web", "k/web", false)).planned())
        .anySatisfy(p -> assertThat(p).endsWith("-n shop rollout restart deployment/web"))
        .anySatisfy(p -> assertThat(p).contains("rollout status deployment/web"));
    assertThat(Files.readAllLines(bin.resolve("restarts"))).containsExactly("restarted");

    Fakes.write(bin.resolve("replicas"), "0\n");
    ServiceActionResult scaledDown = services.restart(new ServiceAction("web", "k/web-2", false));
    assertThat(scaledDown.changed()).isFalse();
    assertThat(scaledDown.detail()).isEqualTo("deployment/web is scaled to 0: its pods read the configuration when it"
        + " starts");
  }
}
