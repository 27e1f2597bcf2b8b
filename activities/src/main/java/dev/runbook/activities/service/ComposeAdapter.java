package dev.runbook.activities.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A docker compose service whose image tag is a variable in an env file. A deploy is the
 * Ignition runbook's: {@code docker compose stop api}, set {@code IMAGE_TAG} in the env file,
 * {@code docker compose up -d api}. The running state comes from {@code ps --format json}; the
 * deployed version from the env file; earlier versions from the history this adapter keeps and
 * an optional list command.
 */
final class ComposeAdapter extends BaseAdapter {
  /** Docker image tags: what may follow the ':' of an image reference. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ComposeSettings settings;
  private final String composeService;
  private final Path file;
  private final Path envFile;
  private final Path workDir;
  private final VersionHistory history;
  private final Executables executables;

  ComposeAdapter(String service, ComposeSettings settings, Endpoints endpoints, Path baseDir,
      VersionHistory history, Executables executables) {
    super(service, endpoints);
    this.settings = settings;
    this.composeService = settings.service() == null ? service : settings.service();
    this.file = baseDir.resolve(settings.file());
    this.envFile = baseDir.resolve(settings.envFile());
    this.workDir = baseDir;
    this.history = history;
    this.executables = executables;
  }

  /** What {@code ps} says about the service's containers. */
  record State(boolean running, String health, String detail) {}

  @Override
  public void checkVersion(String version) {
    if (!TAG.matcher(version).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT, "'" + version + "' is not a docker image tag"
          + " (letters, digits, '_', '.', '-'; at most 128): give the tag to deploy");
    }
  }

  private CommandRunner.Command command(String... args) {
    String docker = executables.require("docker", settings.binary(),
        "services." + service + ".dockerCompose.binary");
    List<String> argv = new ArrayList<>(List.of(docker, "compose", "-f", file.toString(),
        "-p", settings.project(), "--env-file", envFile.toString()));
    argv.addAll(List.of(args));
    return new CommandRunner.Command(argv, Map.of(), workDir, settings.timeout());
  }

  private static FailureType classify(String output) {
    if (output.contains("no such service")) {
      return FailureType.UNKNOWN_SERVICE;
    }
    return null;
  }

  private Step commandStep(String progress, String... args) {
    CommandRunner.Command command = command(args);
    return new Step(command.display(), trace -> {
      trace.progress(progress);
      trace.runChecked(command, ComposeAdapter::classify);
      return null;
    });
  }

  State state(Trace trace) {
    CommandRunner.Result ps = trace.runChecked(
        command("ps", "--format", "json", composeService), ComposeAdapter::classify);
    List<JsonNode> containers = new ArrayList<>();
    String out = ps.stdout().strip();
    try {
      if (out.startsWith("[")) {
        JSON.readTree(out).forEach(containers::add);
      } else {
        // Compose 2.21 and later print one JSON object per line instead of an array.
        for (String line : out.lines().map(String::strip).filter(l -> l.startsWith("{")).toList()) {
          containers.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "docker compose ps printed something that is"
          + " not JSON: " + out.substring(0, Math.min(200, out.length())));
    }
    for (JsonNode c : containers) {
      String name = c.path("Service").asText(composeService);
      if (name.equals(composeService) && "running".equals(c.path("State").asText())) {
        String health = c.path("Health").asText("");
        return new State(true, health, c.path("Name").asText(composeService) + " is running"
            + (health.isEmpty() ? "" : " (" + health + ")"));
      }
    }
    return new State(false, "", composeService + " has no running container");
  }

  @Override
  public Plan planStop(Trace reads) {
    State state = state(reads);
    if (!state.running()) {
      return Plan.nothing(state.detail() + ": nothing to stop");
    }
    return new Plan(List.of(commandStep("docker compose stop " + composeService, "stop",
        composeService)), "stop " + composeService + " (" + state.detail() + ")");
  }

  @Override
  public Plan planStart(Trace reads) {
    State state = state(reads);
    if (state.running()) {
      return Plan.nothing(state.detail() + ": nothing to start");
    }
    String tag = EnvFile.read(envFile, settings.tagVariable()).orElse("(unset)");
    return new Plan(List.of(commandStep("docker compose up -d " + composeService, "up", "-d",
        composeService)), "start " + composeService + " with " + settings.tagVariable() + "="
        + tag);
  }

  @Override
  public Plan planDeploy(String version, Trace reads) {
    checkVersion(version);
    if (!Files.isRegularFile(envFile)) {
      throw Failures.of(FailureType.INVALID_INPUT, "services." + service
          + ".dockerCompose.envFile: " + envFile + " does not exist: create it with "
          + settings.tagVariable() + "=<the running tag>, or fix the path");
    }
    Optional<String> tag = EnvFile.read(envFile, settings.tagVariable());
    State state = state(reads);
    // Done already only if the env file names the version (so a later restart keeps it) and
    // the service runs it, healthy.
    if (state.running() && tag.filter(version::equals).isPresent()) {
      boolean runsIt = !endpoints.hasVersion()
          || endpoints.version(reads).filter(version::equals).isPresent();
      Health health = endpoints.hasHealth() ? endpoints.health(reads) : healthOf(state);
      if (runsIt && health.healthy()) {
        return Plan.nothing(composeService + " already runs " + version + " and is healthy ("
            + health.detail() + ")");
      }
    }
    List<Step> steps = new ArrayList<>();
    if (state.running()) {
      steps.add(commandStep("docker compose stop " + composeService, "stop", composeService));
    }
    steps.add(step("set " + settings.tagVariable() + "=" + version + " in " + envFile, trace -> {
      if (history.versions().isEmpty()) {
        // The first deploy through runbook: remember what ran before, the rollback target.
        tag.ifPresent(history::record);
      }
      EnvFile.write(envFile, settings.tagVariable(), version);
      history.record(version);
    }));
    steps.add(commandStep("docker compose up -d " + composeService + " (" + version + ")", "up",
        "-d", composeService));
    return new Plan(steps, "deploy " + composeService + " " + version + " (env file now: "
        + settings.tagVariable() + "=" + tag.orElse("unset") + ")");
  }

  /** Recreates the service's containers, so they read the env file again (Ignition's runbook). */
  @Override
  public Plan planRestart(Trace reads) {
    return new Plan(List.of(commandStep("docker compose up -d --force-recreate " + composeService, "up", "-d",
        "--force-recreate", composeService)), "recreate " + composeService);
  }

  @Override
  public List<String> previousVersions(Trace trace) {
    Set<String> versions = new LinkedHashSet<>(history.versions());
    if (versions.isEmpty()) {
      EnvFile.read(envFile, settings.tagVariable()).ifPresent(versions::add);
    }
    if (!settings.listVersions().isEmpty()) {
      CommandRunner.Command list = new CommandRunner.Command(
          Argv.substitute(settings.listVersions(), service, null), Map.of(), workDir,
          settings.timeout());
      trace.runChecked(list).stdout().lines().map(String::strip).filter(l -> !l.isEmpty())
          .forEach(versions::add);
    }
    return List.copyOf(versions);
  }

  @Override
  protected Health ownHealth(Trace trace) {
    return healthOf(state(trace));
  }

  /** Running, and healthy by its healthcheck when it has one. */
  private static Health healthOf(State state) {
    boolean healthy = state.running()
        && (state.health().isEmpty() || "healthy".equals(state.health()));
    return new Health(healthy, state.detail());
  }

  @Override
  protected List<String> planOwnHealth() {
    return List.of(command("ps", "--format", "json", composeService).display());
  }

  @Override
  protected Optional<String> ownVersion(Trace trace) {
    return EnvFile.read(envFile, settings.tagVariable());
  }

  @Override
  protected List<String> planOwnVersion() {
    return List.of();
  }
}
