package dev.runbook.activities.service;

import static dev.runbook.activities.service.Fakes.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceActionResult;
import dev.runbook.workflows.activities.ServiceActivities.ServiceEvidence;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import io.temporal.failure.ApplicationFailure;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker-compose adapter against a fake {@code docker} placed first on the search path: it
 * records every call and plays a compose service, so the exact commands and their order show.
 */
class ComposeAdapterTest {
  private static final String ENV = """
      # shop settings
      COMPOSE_PROJECT_NAME=shop
      IMAGE_TAG=v2
      DB_PASSWORD=s3cret-value
      export OTHER="x y"
      """;

  @TempDir Path dir;

  private Path bin;
  private Path envFile;
  private Path composeFile;
  private ServiceActivitiesImpl activities;

  @BeforeEach
  void setUp() throws Exception {
    bin = dir.resolve("bin");
    Path docker = Fakes.install("fake-docker", bin, "docker");
    Fakes.write(bin.resolve("service"), "api\n");
    Fakes.write(bin.resolve("state"), "running\n");
    Path app = Files.createDirectories(dir.resolve("app"));
    composeFile = app.resolve("docker-compose.yml");
    Fakes.write(composeFile, "services:\n  api:\n    image: shop/api:${IMAGE_TAG}\n");
    envFile = app.resolve(".env");
    Fakes.write(envFile, ENV);
    Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
    ServiceSettings api = new ServiceSettings("docker-compose", null, null,
        new ComposeSettings("app/docker-compose.yml", "shop", null, "app/.env", null, null, null,
            null),
        null, null, null, null, null, null, null);
    // The fake directory comes first on the search path, before wherever a real docker is.
    activities = new ServiceActivitiesImpl(Map.of("api", api), dir, dir.resolve("state"),
        bin + File.pathSeparator + System.getenv("PATH"), Clock.systemUTC());
    assertThat(docker).isExecutable();
  }

  private List<List<String>> calls() {
    return Fakes.calls(bin.resolve("calls.log"));
  }

  private List<String> compose(String... args) {
    List<String> argv = new ArrayList<>(List.of("compose", "-f", composeFile.toString(), "-p",
        "shop", "--env-file", envFile.toString()));
    argv.addAll(List.of(args));
    return argv;
  }

  private String display(List<String> argsAfterDocker) {
    List<String> argv = new ArrayList<>();
    argv.add(bin.resolve("docker").toString());
    argv.addAll(argsAfterDocker);
    return Shell.display(argv);
  }

  @Test
  void deployStopsSetsTheTagAndStartsInThatOrder() throws Exception {
    ServiceActionResult result = activities.deploy(new DeployRequest("api", "v1", "k1", false));

    assertThat(result.changed()).isTrue();
    assertThat(calls()).containsExactly(
        compose("ps", "--format", "json", "api"),
        compose("stop", "api"),
        compose("up", "-d", "api"));
    assertThat(result.planned()).containsExactly(
        display(compose("ps", "--format", "json", "api")),
        display(compose("stop", "api")),
        "set IMAGE_TAG=v1 in " + envFile,
        display(compose("up", "-d", "api")));
    // Only the tag line changed; the secret, the comment and the export line are as they were.
    assertThat(Files.readString(envFile)).isEqualTo(ENV.replace("IMAGE_TAG=v2", "IMAGE_TAG=v1"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readAllLines(bin.resolve("up-tags.log"))).containsExactly("IMAGE_TAG=v1");
    try (var leftovers = Files.list(envFile.getParent())) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("docker-compose.yml", ".env");
    }

    ServiceEvidence evidence = activities.captureEvidence(new ServiceQuery("api", false));
    assertThat(evidence.currentVersion()).isEqualTo("v1");
    assertThat(evidence.healthy()).isTrue();
    assertThat(evidence.healthDetail()).isEqualTo("shop-api-1 is running (healthy)");

    // The history the adapter keeps knows v2 ran before: the last known good.
    TargetVersion target = activities.resolveTarget(
        new TargetVersionRequest("api", "v1", null, false));
    assertThat(target.version()).isEqualTo("v2");
    assertThat(target.source()).isEqualTo("adapter-list");
    assertThat(target.knownVersions()).containsExactly("v1", "v2");
  }

  @Test
  void deployingTheRunningVersionAgainOnlyLooks() {
    activities.deploy(new DeployRequest("api", "v1", "k1", false));
    int before = calls().size();

    ServiceActionResult again = activities.deploy(new DeployRequest("api", "v1", "k2", false));

    assertThat(again.changed()).isFalse();
    assertThat(again.detail()).contains("already runs v1 and is healthy");
    assertThat(calls().subList(before, calls().size()))
        .containsExactly(compose("ps", "--format", "json", "api"));
  }

  @Test
  void theSameKeyTwiceDoesTheWorkOnce() throws Exception {
    ServiceActionResult first = activities.deploy(new DeployRequest("api", "v1", "run-7/deploy",
        false));
    List<List<String>> afterFirst = calls();
    // Someone puts v2 back by hand: a retry of the same step must still not deploy again.
    Fakes.write(envFile, ENV);

    ServiceActionResult retry = activities.deploy(new DeployRequest("api", "v1", "run-7/deploy",
        false));

    assertThat(calls()).isEqualTo(afterFirst);
    assertThat(Files.readString(envFile)).isEqualTo(ENV);
    assertThat(retry.changed()).isEqualTo(first.changed());
    assertThat(retry.detail()).startsWith("already done under this key");

    ApplicationFailure reused = failure(() -> activities.deploy(
        new DeployRequest("api", "v3", "run-7/deploy", false)));
    assertThat(reused.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
  }

  @Test
  void readingTwiceOnlyReads() throws Exception {
    activities.deploy(new DeployRequest("api", "v1", "k1", false));
    int before = calls().size();
    String env = Files.readString(envFile);

    ServiceEvidence evidence = activities.captureEvidence(new ServiceQuery("api", false));
    TargetVersion target = activities.resolveTarget(
        new TargetVersionRequest("api", "v1", null, false));

    assertThat(activities.captureEvidence(new ServiceQuery("api", false))).isEqualTo(evidence);
    assertThat(activities.resolveTarget(new TargetVersionRequest("api", "v1", null, false)))
        .isEqualTo(target);
    assertThat(calls().subList(before, calls().size()))
        .containsOnly(compose("ps", "--format", "json", "api"));
    assertThat(Files.readString(envFile)).isEqualTo(env);
  }

  @Test
  void stopAndStartLookFirst() {
    ServiceActionResult stopped = activities.stop(new ServiceAction("api", "s1", false));
    ServiceActionResult stoppedAgain = activities.stop(new ServiceAction("api", "s2", false));
    ServiceActionResult started = activities.start(new ServiceAction("api", "s3", false));
    ServiceActionResult startedAgain = activities.start(new ServiceAction("api", "s4", false));

    assertThat(stopped.changed()).isTrue();
    assertThat(stoppedAgain.changed()).isFalse();
    assertThat(stoppedAgain.detail()).isEqualTo("api has no running container: nothing to stop");
    assertThat(started.changed()).isTrue();
    assertThat(startedAgain.changed()).isFalse();
    assertThat(calls()).containsExactly(
        compose("ps", "--format", "json", "api"), compose("stop", "api"),
        compose("ps", "--format", "json", "api"),
        compose("ps", "--format", "json", "api"), compose("up", "-d", "api"),
        compose("ps", "--format", "json", "api"));
  }

  @Test
  void dryRunReadsButChangesNothing() throws Exception {
    ServiceActionResult plan = activities.deploy(new DeployRequest("api", "v1", "k1", true));

    assertThat(plan.changed()).isFalse();
    assertThat(plan.detail()).startsWith("dry run, nothing changed: would deploy api v1");
    assertThat(plan.planned()).containsExactly(
        display(compose("ps", "--format", "json", "api")),
        display(compose("stop", "api")),
        "set IMAGE_TAG=v1 in " + envFile,
        display(compose("up", "-d", "api")));
    assertThat(calls()).containsExactly(compose("ps", "--format", "json", "api"));
    assertThat(Files.readString(envFile)).isEqualTo(ENV);
    assertThat(dir.resolve("state/api/keys")).doesNotExist();
  }

  @Test
  void injectedVersionsAreRefusedBeforeAnythingRuns() throws Exception {
    Path pwned = dir.resolve("pwned");
    for (String version : List.of("v1; rm -rf /", "$(touch " + pwned + ")", "v1\nIMAGE_TAG=x",
        "`touch " + pwned + "`")) {
      ApplicationFailure f = failure(() -> activities.deploy(
          new DeployRequest("api", version, "k-" + version.hashCode(), false)));
      assertThat(f.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
      assertThat(f.isNonRetryable()).isTrue();
    }
    // Valid in general, but not a docker tag.
    assertThat(failure(() -> activities.deploy(new DeployRequest("api", "1.0+build", "k9",
        false))).getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(calls()).isEmpty();
    assertThat(pwned).doesNotExist();
    assertThat(Files.readString(envFile)).isEqualTo(ENV);

    ApplicationFailure quoted = failure(() -> activities.stop(
        new ServiceAction("api'; touch " + pwned + "; '", "k", false)));
    assertThat(quoted.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(calls()).isEmpty();
  }

  @Test
  void anUnknownComposeServiceIsPermanent() {
    Fakes.write(bin.resolve("service"), "web\n");
    ApplicationFailure f = failure(() -> activities.stop(new ServiceAction("api", "k", false)));
    assertThat(f.getType()).isEqualTo(FailureType.UNKNOWN_SERVICE.name());
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("no such service: api");
  }

  @Test
  void dockerMissingFromThePathSaysHowToFixIt() {
    ServiceActivitiesImpl noDocker = new ServiceActivitiesImpl(
        Map.of("api", new ServiceSettings("docker-compose", null, null,
            new ComposeSettings("app/docker-compose.yml", "shop", null, "app/.env", null, null,
                null, null), null, null, null, null, null, null, null)),
        dir, dir.resolve("state"), dir.resolve("empty").toString(), Clock.systemUTC());
    ApplicationFailure f = failure(() -> noDocker.stop(new ServiceAction("api", "k", false)));
    assertThat(f.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    assertThat(f.getOriginalMessage()).isEqualTo("docker was not found on PATH: install it, or"
        + " set services.api.dockerCompose.binary to its full path");
  }
}
