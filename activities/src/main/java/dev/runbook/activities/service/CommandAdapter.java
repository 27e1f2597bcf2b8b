package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service driven by its platform's commands (Heroku, Render, Railway, Vercel, systemd, npm
 * scripts). Stop and start cannot be looked at beforehand here, so their idempotency rests on
 * the activity's key journal; a deploy is skipped when the version already runs and is healthy.
 * Versions come from {@code listVersions} when configured, else from the versions deployed
 * through this adapter; {@code versionPattern} finds them in what a platform's CLI prints.
 */
final class CommandAdapter extends BaseAdapter {
  private final CommandSettings settings;
  private final Path workDir;
  private final VersionHistory history;

  CommandAdapter(String service, CommandSettings settings, Endpoints endpoints, Path workDir,
      VersionHistory history) {
    super(service, endpoints);
    this.settings = settings;
    this.workDir = workDir;
    this.history = history;
  }

  private CommandRunner.Command command(List<String> template, String version) {
    return new CommandRunner.Command(Argv.substitute(template, service, version), Map.of(),
        workDir, settings.timeout());
  }

  private List<String> plan(List<String> template, String version) {
    return template.isEmpty() ? List.of() : List.of(command(template, version).display());
  }

  private List<String> required(List<String> template, String action) {
    if (template.isEmpty()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "services." + service + ".command." + action
          + " is not configured: add the command that does it to " + action + " " + service);
    }
    return template;
  }

  private Step commandStep(CommandRunner.Command command, String progress) {
    return new Step(command.display(), trace -> {
      trace.progress(progress);
      trace.runChecked(command);
      return null;
    });
  }

  /** Stop cannot be looked at beforehand: the key journal keeps a retry from stopping twice. */
  @Override
  public Plan planStop(Trace reads) {
    CommandRunner.Command stop = command(required(settings.stop(), "stop"), null);
    return new Plan(List.of(commandStep(stop, "stopping " + service)), "stop " + service);
  }

  @Override
  public Plan planStart(Trace reads) {
    CommandRunner.Command start = command(required(settings.start(), "start"), null);
    return new Plan(List.of(commandStep(start, "starting " + service)), "start " + service);
  }

  /** Stop, then start: the platform's own commands. */
  @Override
  public Plan planRestart(Trace reads) {
    if (settings.stop().isEmpty() || settings.start().isEmpty()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "services." + service + " cannot be restarted: set"
          + " services." + service + ".config.restart to the command that restarts it (or command.stop and"
          + " command.start)");
    }
    CommandRunner.Command stop = command(settings.stop(), null);
    CommandRunner.Command start = command(settings.start(), null);
    return new Plan(List.of(commandStep(stop, "stopping " + service), commandStep(start, "starting " + service)),
        "restart " + service);
  }

  @Override
  public Plan planDeploy(String version, Trace reads) {
    Optional<String> current = currentVersion(reads);
    Optional<String> noop = alreadyRunning(version, current, reads);
    if (noop.isPresent()) {
      return Plan.nothing(noop.get());
    }
    CommandRunner.Command deploy = command(settings.deploy(), version);
    return new Plan(List.of(commandStep(deploy, "deploying " + service + " " + version),
        step("record " + version + " as deployed in " + history.file(),
            trace -> history.record(version))),
        "deploy " + service + " " + version + " (running now: " + current.orElse("unknown") + ")");
  }

  @Override
  public List<String> previousVersions(Trace trace) {
    if (settings.listVersions().isEmpty()) {
      return history.versions();
    }
    CommandRunner.Result result = trace.runChecked(command(settings.listVersions(), null));
    Pattern pattern = settings.versionRegex();
    if (pattern != null) {
      List<String> found = versions(pattern, result.stdout());
      return (found.isEmpty() ? versions(pattern, result.stderr()) : found).stream().distinct().toList();
    }
    return result.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).distinct()
        .toList();
  }

  /** Every version {@code pattern} finds in {@code output}, in order. */
  private static List<String> versions(Pattern pattern, String output) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(output);
    while (m.find()) {
      found.add(version(m));
    }
    return found;
  }

  /** The first group that took part in the match, or the whole match when there is none. */
  private static String version(Matcher m) {
    for (int g = 1; g <= m.groupCount(); g++) {
      if (m.group(g) != null) {
        return m.group(g);
      }
    }
    return m.group();
  }

  @Override
  protected Health ownHealth(Trace trace) {
    if (settings.health().isEmpty()) {
      return new Health(false, "no health check is configured for " + service
          + ": set services." + service + ".healthUrl or command.health");
    }
    CommandRunner.Command health = command(settings.health(), null);
    CommandRunner.Result result = trace.run(health);
    String tail = result.tail(200);
    return new Health(result.ok(), health.display() + " exited " + result.exitCode()
        + (tail.isEmpty() ? "" : ": " + tail));
  }

  @Override
  protected List<String> planOwnHealth() {
    return plan(settings.health(), null);
  }

  /**
   * The first line the currentVersion command prints. A failing command means "unknown", not an
   * error: a service that was never deployed has no version, and a deploy must still go ahead.
   */
  @Override
  protected Optional<String> ownVersion(Trace trace) {
    if (settings.currentVersion().isEmpty()) {
      return history.newest();
    }
    CommandRunner.Result result = trace.run(command(settings.currentVersion(), null));
    if (!result.ok()) {
      return Optional.empty();
    }
    Pattern pattern = settings.versionRegex();
    if (pattern != null) {
      List<String> found = versions(pattern, result.stdout());
      return (found.isEmpty() ? versions(pattern, result.stderr()) : found).stream().findFirst();
    }
    return result.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
  }

  @Override
  protected List<String> planOwnVersion() {
    return plan(settings.currentVersion(), null);
  }
}
