package dev.runbook.activities.service;

import static dev.runbook.activities.service.Fakes.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceActionResult;
import dev.runbook.workflows.activities.ServiceActivities.ServiceEvidence;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersion;
import dev.runbook.workflows.activities.ServiceActivities.TargetVersionRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command adapter running a small real script (a stand-in for a platform CLI) as argv
 * templates; the script records each call's arguments.
 */
class CommandAdapterTest {
  @TempDir Path dir;

  private Path platform;
  private ServiceActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    platform = Fakes.install("platform.sh", dir, "platform.sh");
    activities = new ServiceActivitiesImpl(Map.of("api", new ServiceSettings("command", null,
        settings(true), null, null, null, null, null, null, null, null)), dir,
        dir.resolve("state"), System.getenv("PATH"), Clock.systemUTC());
  }

  private CommandSettings settings(boolean withLists) {
    String p = platform.toString();
    return new CommandSettings(
        List.of(p, "stop", "{service}"),
        List.of(p, "start", "{service}"),
        List.of(p, "deploy", "{service}", "{version}"),
        withLists ? List.of(p, "current", "{service}") : null,
        withLists ? List.of(p, "releases", "{service}") : null,
        List.of(p, "status", "{service}"),
        null, null);
  }

  private List<List<String>> calls() {
    return Fakes.calls(dir.resolve("calls.log"));
  }

  @Test
  void deployRunsTheTemplateAndReadsTheVersionBack() throws Exception {
    ServiceActionResult v1 = activities.deploy(new DeployRequest("api", "v1", "d1", false));
    ServiceActionResult v2 = activities.deploy(new DeployRequest("api", "v2", "d2", false));

    assertThat(v1.changed()).isTrue();
    assertThat(v2.changed()).isTrue();
    assertThat(v2.detail()).contains("(running now: v1)");
    // It looked at the running version first; v1 is not v2, so no health reading was needed.
    assertThat(v2.planned()).containsExactly(platform + " current api",
        platform + " deploy api v2", "record v2 as deployed in "
            + dir.resolve("state/api/history.json"));
    assertThat(Files.readString(dir.resolve("api.version")).strip()).isEqualTo("v2");

    ServiceEvidence evidence = activities.captureEvidence(new ServiceQuery("api", false));
    assertThat(evidence.currentVersion()).isEqualTo("v2");
    assertThat(evidence.healthy()).isTrue();

    TargetVersion target = activities.resolveTarget(
        new TargetVersionRequest("api", "v2", null, false));
    assertThat(target.version()).isEqualTo("v1");
    assertThat(target.knownVersions()).containsExactly("v2", "v1");
    ApplicationFailure unknown = failure(() -> activities.resolveTarget(
        new TargetVersionRequest("api", "v2", "v0.9", false)));
    assertThat(unknown.getType()).isEqualTo(FailureType.UNKNOWN_VERSION.name());
  }

  @Test
  void aVersionPatternFindsTheVersionInWhatTheCliPrintsOnEitherStream() {
    String p = platform.toString();
    ServiceActivitiesImpl noisy = new ServiceActivitiesImpl(Map.of("api", new ServiceSettings("command", null,
        new CommandSettings(null, null, List.of(p, "deploy", "{service}", "{version}"),
            List.of(p, "describe", "{service}"), List.of(p, "history", "{service}"), List.of(p, "status", "{service}"),
            null, null, "release-(v[0-9.]+)|release-(none)"),
        null, null, null, null, null, null, null, null)), dir, dir.resolve("state-noisy"), System.getenv("PATH"),
        Clock.systemUTC());
    noisy.deploy(new DeployRequest("api", "v1", "d1", false));
    noisy.deploy(new DeployRequest("api", "v2", "d2", false));

    // stdout has no version (a banner); stderr does, after a banner's worth of text.
    assertThat(noisy.captureEvidence(new ServiceQuery("api", false)).currentVersion()).isEqualTo("v2");
    TargetVersion target = noisy.resolveTarget(new TargetVersionRequest("api", "v2", null, false));
    assertThat(target.knownVersions()).containsExactly("v2", "v1");
    assertThat(target.version()).isEqualTo("v1");
  }

  @Test
  void deployingTheRunningVersionAgainChangesNothing() {
    activities.deploy(new DeployRequest("api", "v1", "d1", false));
    ServiceActionResult again = activities.deploy(new DeployRequest("api", "v1", "d2", false));
    assertThat(again.changed()).isFalse();
    assertThat(calls()).filteredOn(c -> c.get(0).equals("deploy")).hasSize(1);
  }

  @Test
  void stopWithTheSameKeyTwiceRunsTheCommandOnce() {
    ServiceActionResult first = activities.stop(new ServiceAction("api", "run-3/stop", false));
    ServiceActionResult retry = activities.stop(new ServiceAction("api", "run-3/stop", false));
    assertThat(calls()).containsExactly(List.of("stop", "api"));
    assertThat(retry.changed()).isEqualTo(first.changed()).isTrue();
    assertThat(retry.planned()).isEqualTo(first.planned());

    activities.start(new ServiceAction("api", "run-3/start", false));
    activities.start(new ServiceAction("api", "run-3/start", false));
    assertThat(calls()).containsExactly(List.of("stop", "api"), List.of("start", "api"));
  }

  @Test
  void aFailingCommandIsRetryableAndNamesTheCommand() throws Exception {
    Files.writeString(dir.resolve("fail-deploy"), "");
    ApplicationFailure f = failure(() -> activities.deploy(
        new DeployRequest("api", "v1", "d1", false)));
    assertThat(f.getType()).isEqualTo(FailureType.COMMAND_FAILED.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).isEqualTo(platform + " deploy api v1 exited 1: deploy"
        + " failed: the registry did not answer");
  }

  @Test
  void withoutListCommandsTheVersionsDeployedHereAreKnown() {
    ServiceActivitiesImpl noLists = new ServiceActivitiesImpl(Map.of("api", new ServiceSettings(
        "command", null, settings(false), null, null, null, null, null, null, null, null)), dir,
        dir.resolve("state2"), System.getenv("PATH"), Clock.systemUTC());
    ApplicationFailure none = failure(() -> noLists.resolveTarget(
        new TargetVersionRequest("api", null, null, false)));
    assertThat(none.getType()).isEqualTo(FailureType.NO_GOOD_VERSION.name());
    assertThat(none.isNonRetryable()).isTrue();
    assertThat(none.getOriginalMessage()).contains("pass --to-version");
    // Nothing known: a requested version cannot be checked against a list, so it is taken.
    assertThat(noLists.resolveTarget(new TargetVersionRequest("api", null, "v5", false))
        .version()).isEqualTo("v5");

    noLists.deploy(new DeployRequest("api", "v1", "d1", false));
    noLists.deploy(new DeployRequest("api", "v2", "d2", false));
    assertThat(noLists.resolveTarget(new TargetVersionRequest("api", null, null, false))
        .version()).isEqualTo("v1");
  }

  @Test
  void aMissingTemplateIsNotSupported() {
    ServiceActivitiesImpl deployOnly = new ServiceActivitiesImpl(Map.of("api", new ServiceSettings(
        "command", null, new CommandSettings(null, null,
            List.of(platform.toString(), "deploy", "{service}", "{version}"), null, null, null,
            null, null),
        null, null, "http://127.0.0.1:" + Fakes.freePort() + "/health", null, null, null, null,
        null)), dir, dir.resolve("state3"), System.getenv("PATH"), Clock.systemUTC());
    ApplicationFailure f = failure(() -> deployOnly.stop(new ServiceAction("api", "s", false)));
    assertThat(f.getType()).isEqualTo(FailureType.NOT_SUPPORTED.name());
    assertThat(f.getOriginalMessage()).contains("services.api.command.stop is not configured");
  }

  /**
   * Below the activity (which refuses such versions outright), a template substitution keeps any
   * value one argument: the script receives it byte for byte and no shell ever reads it.
   */
  @Test
  void substitutedValuesStayOneInertArgument() throws Exception {
    Path pwned = dir.resolve("pwned");
    CommandAdapter adapter = new CommandAdapter("api", settings(false),
        new Endpoints(null, null, "version"), dir,
        new VersionHistory(dir.resolve("h.json"), Clock.systemUTC()));
    Trace trace = new Trace(Heartbeat.current(), new CommandRunner());
    List<String> hostile = List.of("v1; rm -rf /", "$(touch " + pwned + ")",
        "`touch " + pwned + "`", "v1 && touch " + pwned, "'\"; touch " + pwned + "; \"'");
    for (String version : hostile) {
      adapter.deploy(version, trace);
    }
    assertThat(calls()).filteredOn(c -> c.get(0).equals("deploy"))
        .extracting(c -> c.subList(1, c.size()))
        .containsExactlyElementsOf(hostile.stream().map(v -> List.of("api", v)).toList());
    assertThat(pwned).doesNotExist();

    for (String version : hostile) {
      ApplicationFailure refused = failure(() -> activities.deploy(
          new DeployRequest("api", version, "k", false)));
      assertThat(refused.getType()).isEqualTo(FailureType.INVALID_INPUT.name());
      assertThat(refused.isNonRetryable()).isTrue();
    }
  }

  @Test
  void dryRunRunsOnlyTheReads() {
    ServiceActionResult plan = activities.deploy(new DeployRequest("api", "v1", "d1", true));
    assertThat(plan.changed()).isFalse();
    assertThat(plan.planned()).containsExactly(platform + " current api",
        platform + " deploy api v1", "record v1 as deployed in "
            + dir.resolve("state/api/history.json"));
    assertThat(calls()).containsExactly(List.of("current", "api"));
    assertThat(dir.resolve("api.version")).doesNotExist();

    ServiceActionResult stop = activities.stop(new ServiceAction("api", "s1", true));
    assertThat(stop.planned()).containsExactly(platform + " stop api");
    assertThat(calls()).hasSize(1);
  }
}
