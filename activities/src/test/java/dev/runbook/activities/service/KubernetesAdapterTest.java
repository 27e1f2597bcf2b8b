package dev.runbook.activities.service;

import static dev.runbook.activities.service.Fakes.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.activities.CheckResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.HealthReading;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceActionResult;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyRequest;
import dev.runbook.workflows.activities.ServiceActivities.VerifyResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCanceledException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes adapter against a fake {@code kubectl} (given as the configured binary) that
 * records every call and plays a deployment with a revision history.
 */
class KubernetesAdapterTest {
  private static final String IMAGE = "registry.example.com:5000/shop/api";
  private static final String STATUS = "jsonpath={.spec.replicas}{\"\\t\"}{.status.readyReplicas}"
      + "{\"\\t\"}{.spec.template.spec.containers[?(@.name==\"api\")].image}";
  private static final String REVISIONS = "jsonpath={range .items[*]}"
      + "{.metadata.ownerReferences[0].name}{\"\\t\"}"
      + "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}{\"\\t\"}"
      + "{.spec.template.spec.containers[?(@.name==\"api\")].image}{\"\\n\"}{end}";

  @TempDir Path dir;

  private Path bin;
  private ServiceActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    bin = dir.resolve("bin");
    Fakes.install("fake-kubectl", bin, "kubectl");
    Fakes.write(bin.resolve("deployment"), "api\n");
    Fakes.write(bin.resolve("replicas"), "3\n");
    Fakes.write(bin.resolve("revisions"), "1\t" + IMAGE + ":v1\n2\t" + IMAGE + ":v2\n");
    ServiceSettings api = new ServiceSettings("kubernetes", null, null, null,
        new KubernetesSettings("prod-eu", "shop", "api", null, IMAGE, null,
            Duration.ofSeconds(30), "bin/kubectl"),
        null, null, null, null, null, Duration.ofSeconds(2));
    // An empty search path: the configured binary is the only kubectl there is.
    activities = new ServiceActivitiesImpl(Map.of("api", api), dir, dir.resolve("state"), "",
        Clock.systemUTC());
  }

  private List<List<String>> calls() {
    return Fakes.calls(bin.resolve("calls.log"));
  }

  private static List<String> kubectl(String... args) {
    List<String> argv = new ArrayList<>(List.of("--context", "prod-eu", "-n", "shop"));
    argv.addAll(Arrays.asList(args));
    return argv;
  }

  @Test
  void deployToAVersionThatRanBeforeIsARolloutUndo() throws Exception {
    ServiceActionResult result = activities.deploy(new DeployRequest("api", "v1", "k1", false));

    assertThat(result.changed()).isTrue();
    assertThat(result.detail()).contains("rollout undo to revision 1");
    assertThat(calls()).containsExactly(
        kubectl("get", "deployment/api", "-o", STATUS),
        kubectl("get", "replicasets", "-o", REVISIONS),
        kubectl("rollout", "undo", "deployment/api", "--to-revision=1"),
        kubectl("rollout", "status", "deployment/api", "--timeout=30s"));
    assertThat(Files.readString(bin.resolve("revisions")))
        .isEqualTo("2\t" + IMAGE + ":v2\n3\t" + IMAGE + ":v1\n");
    assertThat(result.planned()).hasSize(4);
    assertThat(result.planned().get(2)).isEqualTo(bin.resolve("kubectl")
        + " --context prod-eu -n shop rollout undo deployment/api --to-revision=1");
  }

  @Test
  void deployToANewVersionIsSetImage() {
    ServiceActionResult result = activities.deploy(new DeployRequest("api", "v3", "k1", false));

    assertThat(result.changed()).isTrue();
    assertThat(calls()).containsExactly(
        kubectl("get", "deployment/api", "-o", STATUS),
        kubectl("get", "replicasets", "-o", REVISIONS),
        kubectl("set", "image", "deployment/api", "api=" + IMAGE + ":v3"),
        kubectl("rollout", "status", "deployment/api", "--timeout=30s"));

    ServiceActionResult again = activities.deploy(new DeployRequest("api", "v3", "k2", false));
    assertThat(again.changed()).isFalse();
    assertThat(calls()).hasSize(5);
    assertThat(calls().get(4)).isEqualTo(kubectl("get", "deployment/api", "-o", STATUS));
  }

  @Test
  void previousVersionsComeFromTheRevisions() {
    TargetVersion lastGood = activities.resolveTarget(
        new TargetVersionRequest("api", null, null, false));
    assertThat(lastGood.version()).isEqualTo("v1");
    assertThat(lastGood.knownVersions()).containsExactly("v2", "v1");

    ApplicationFailure unknown = failure(() -> activities.resolveTarget(
        new TargetVersionRequest("api", "v2", "v9", false)));
    assertThat(unknown.getType()).isEqualTo(FailureType.UNKNOWN_VERSION.name());
    assertThat(unknown.isNonRetryable()).isTrue();
    assertThat(unknown.getOriginalMessage()).contains("v9", "v2, v1");

    Fakes.write(bin.resolve("revisions"), "5\t" + IMAGE + ":v2\n");
    ApplicationFailure none = failure(() -> activities.resolveTarget(
        new TargetVersionRequest("api", "v2", null, false)));
    assertThat(none.getType()).isEqualTo(FailureType.NO_GOOD_VERSION.name());
    assertThat(none.getOriginalMessage()).contains("--to-version");
  }

  @Test
  void stopScalesToZeroAndStartBringsTheReplicasBack() throws Exception {
    assertThat(activities.stop(new ServiceAction("api", "s1", false)).changed()).isTrue();
    assertThat(Files.readString(bin.resolve("replicas")).strip()).isEqualTo("0");
    assertThat(activities.stop(new ServiceAction("api", "s2", false)).changed()).isFalse();
    assertThat(activities.start(new ServiceAction("api", "s3", false)).changed()).isTrue();
    assertThat(activities.start(new ServiceAction("api", "s4", false)).changed()).isFalse();

    assertThat(calls()).containsExactly(
        kubectl("get", "deployment/api", "-o", STATUS),
        kubectl("scale", "deployment/api", "--replicas=0"),
        kubectl("get", "deployment/api", "-o", STATUS),
        kubectl("get", "deployment/api", "-o", STATUS),
        kubectl("scale", "deployment/api", "--replicas=3"),
        kubectl("rollout", "status", "deployment/api", "--timeout=30s"),
        kubectl("get", "deployment/api", "-o", STATUS));
  }

  @Test
  void theSameKeyTwiceDoesTheWorkOnce() {
    ServiceActionResult first = activities.stop(new ServiceAction("api", "run-1/stop", false));
    Fakes.write(bin.resolve("replicas"), "3\n");
    ServiceActionResult retry = activities.stop(new ServiceAction("api", "run-1/stop", false));

    assertThat(calls()).hasSize(2);
    assertThat(retry.changed()).isTrue();
    assertThat(retry.planned()).isEqualTo(first.planned());
  }

  @Test
  void injectedVersionsNeverReachKubectl() {
    Path pwned = dir.resolve("pwned");
    for (String version : List.of("v1; rm -rf /", "$(touch " + pwned + ")", "v1 --all")) {
      ApplicationFailure f = failure(() -> activities.deploy(
          new DeployRequest("api", version, "k", false)));
      assertThat(f.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
    }
    assertThat(calls()).isEmpty();
    assertThat(pwned).doesNotExist();
  }

  @Test
  void aMissingDeploymentIsPermanent() {
    Fakes.write(bin.resolve("deployment"), "web\n");
    ApplicationFailure f = failure(() -> activities.stop(new ServiceAction("api", "k", false)));
    assertThat(f.getType()).isEqualTo(FailureType.UNKNOWN_SERVICE.name());
    assertThat(f.isNonRetryable()).isTrue();
  }

  @Test
  void dryRunShowsTheExactUndoAndChangesNothing() throws Exception {
    String before = Files.readString(bin.resolve("revisions"));
    ServiceActionResult plan = activities.deploy(new DeployRequest("api", "v1", "k", true));

    assertThat(plan.changed()).isFalse();
    assertThat(plan.planned()).hasSize(4);
    assertThat(plan.planned().get(2)).endsWith("rollout undo deployment/api --to-revision=1");
    assertThat(calls()).containsExactly(
        kubectl("get", "deployment/api", "-o", STATUS),
        kubectl("get", "replicasets", "-o", REVISIONS));
    assertThat(Files.readString(bin.resolve("revisions"))).isEqualTo(before);
  }

  /** Cancelling the activity while {@code rollout status} waits kills kubectl and its child. */
  @Test
  void cancellationKillsTheWaitingKubectl() throws Exception {
    Fakes.write(bin.resolve("slow"), "");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      List<String> beats = new CopyOnWriteArrayList<>();
      env.setActivityHeartbeatListener(String.class, beats::add);
      env.registerActivitiesImplementations(activities);
      ServiceActivities stub = env.newActivityStub(ServiceActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setHeartbeatTimeout(Duration.ofSeconds(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build());
      CompletableFuture<ServiceActionResult> deploy = CompletableFuture.supplyAsync(
          () -> stub.deploy(new DeployRequest("api", "v3", "k", false)));

      Path pids = bin.resolve("slow.pids");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.exists(pids) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      while (beats.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50); // the runner heartbeats while the command runs
      }
      env.requestCancelActivity();

      assertThatThrownBy(() -> deploy.get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(rootCauses(e)).anyMatch(c ->
              c instanceof ActivityCanceledException || c instanceof CanceledFailure));
      assertThat(beats).isNotEmpty();
      // The stub returns as soon as the cancellation is seen; the runner kills right after.
      for (String pid : Files.readString(pids).strip().split(" ")) {
        assertThat(exitsWithin(Long.parseLong(pid), Duration.ofSeconds(10)))
            .as("pid %s was killed", pid).isTrue();
      }
    } finally {
      env.close();
    }
  }

  private static boolean exitsWithin(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  private static List<Throwable> rootCauses(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  @Test
  void healthIsAReadingAndVerifyNamesWhatDidNotHold() throws Exception {
    Fakes.write(bin.resolve("unready"), "");
    HealthReading reading = activities.health(new ServiceQuery("api", false));
    assertThat(reading.healthy()).isFalse();
    assertThat(reading.detail()).isEqualTo("0/3 replicas ready");
    assertThat(reading.version()).isEqualTo("v2");

    ApplicationFailure f = failure(() -> activities.verify(
        new VerifyRequest("api", "v1", false)));
    assertThat(f.getType()).isEqualTo(FailureType.VERIFICATION_FAILED.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).startsWith("api did not verify within 2s (")
        .contains("health: 0/3 replicas ready; version: expected v1, running v2");

    Fakes.write(bin.resolve("revisions"), "3\t" + IMAGE + ":v1\n");
    Files.delete(bin.resolve("unready"));
    VerifyResult ok = activities.verify(new VerifyRequest("api", "v1", false));
    assertThat(ok.healthy()).isTrue();
    assertThat(ok.version()).isEqualTo("v1");
    assertThat(ok.checks()).extracting(CheckResult::detail)
        .containsExactly("3/3 replicas ready", "expected v1, running v1");
  }

  @Test
  void aFailedRolloutIsRetryable() {
    Fakes.write(bin.resolve("rollout-fails"), "");
    ApplicationFailure f = failure(() -> activities.deploy(
        new DeployRequest("api", "v3", "k", false)));
    assertThat(f.getType()).isEqualTo(FailureType.COMMAND_FAILED.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).contains("rollout status deployment/api --timeout=30s",
        "exited 1: error: timed out waiting for the condition");
  }
}
