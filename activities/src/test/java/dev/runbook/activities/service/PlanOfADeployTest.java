package dev.runbook.activities.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.plan.PlanActivitiesImpl;
import dev.runbook.workflows.activities.PlanActivities.Kind;
import dev.runbook.workflows.activities.PlanActivities.Plan;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.activities.PlanActivities.PlannedAction;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan of a deploy, read through the docker-compose adapter's own dry run against a fake
 * {@code docker}: the exact commands, the running version, and a hash that holds while nothing
 * changes and moves when the running version or the configured commands do.
 */
class PlanOfADeployTest {
  @TempDir Path dir;

  private Path bin;
  private Path envFile;

  private PlanActivitiesImpl plans(String project) {
    ServiceSettings api = new ServiceSettings("docker-compose", null, null,
        new ComposeSettings("app/docker-compose.yml", project, null, "app/.env", null, null, null, null),
        null, null, null, null, null, null, null);
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(Map.of("api", api), dir, dir.resolve("state"),
        bin + File.pathSeparator + System.getenv("PATH"), Clock.systemUTC());
    return new PlanActivitiesImpl(services, null, null);
  }

  @BeforeEach
  void setUp() throws Exception {
    bin = dir.resolve("bin");
    Fakes.install("fake-docker", bin, "docker");
    Fakes.write(bin.resolve("service"), "api\n");
    Fakes.write(bin.resolve("state"), "running\n");
    Path app = Files.createDirectories(dir.resolve("app"));
    Fakes.write(app.resolve("docker-compose.yml"), "services:\n  api:\n    image: shop/api:${IMAGE_TAG}\n");
    envFile = app.resolve(".env");
    Fakes.write(envFile, "IMAGE_TAG=v2\nDB_PASSWORD=s3cret-value\n");
  }

  private static PlanRequest deploy() {
    return new PlanRequest(List.of(
        new PlannedAction(Kind.DEPLOY, "api", "v1", "v2"),
        new PlannedAction(Kind.STOP, "api", null, null)));
  }

  @Test
  void thePlanNamesTheRunningVersionAndTheExactCommandsAndReadingItTwiceGivesTheSameHash() throws Exception {
    PlanActivitiesImpl plans = plans("shop");
    Plan first = plans.plan(deploy());
    Plan second = plans.plan(deploy());

    assertThat(first.lines().get(0)).isEqualTo("api: running v2");
    assertThat(first.lines()).contains("deploy v1 to api:", "stop api:");
    assertThat(first.lines()).anySatisfy(l -> assertThat(l).startsWith("  $ ").contains("set IMAGE_TAG=v1 in"));
    assertThat(first.lines()).allSatisfy(l -> assertThat(l).doesNotContain("s3cret-value"));
    assertThat(first.hash()).hasSize(64).isEqualTo(second.hash());
    assertThat(Files.readString(envFile)).contains("IMAGE_TAG=v2"); // a plan changes nothing
    assertThat(first.matches(first.shortHash())).isTrue();
    assertThat(first.matches(first.hash().substring(0, 11))).isFalse();
  }

  @Test
  void aDeployByHandOrAnotherConfiguredProjectGivesAnotherHash() throws Exception {
    Plan before = plans("shop").plan(deploy());

    Fakes.write(envFile, "IMAGE_TAG=v3\nDB_PASSWORD=s3cret-value\n");
    Plan afterDeploy = plans("shop").plan(deploy());
    assertThat(afterDeploy.lines().get(0)).isEqualTo("api: running v3 (the run read v2 before it asked)");
    assertThat(afterDeploy.hash()).isNotEqualTo(before.hash());

    Fakes.write(envFile, "IMAGE_TAG=v2\nDB_PASSWORD=s3cret-value\n");
    Plan otherProject = plans("shop-blue").plan(deploy());
    assertThat(otherProject.hash()).isNotEqualTo(before.hash());
    assertThat(otherProject.lines()).anySatisfy(l -> assertThat(l).contains("shop-blue"));
  }
}
