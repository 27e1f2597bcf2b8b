package dev.runbook.activities.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A service driven through its platform's CLI: one argv template per action, with {@code
 * {version}} and {@code {service}} placeholders. Only {@code deploy} is required.
 *
 * <pre>
 * command:                              # e.g. a systemd unit with versioned releases
 *   stop: [systemctl, stop, "{service}"]
 *   start: [systemctl, start, "{service}"]
 *   deploy: [/opt/shop/bin/switch-release, "{service}", "{version}"]
 *   currentVersion: [readlink, /opt/shop/current]      # first line of stdout
 *   listVersions: [/opt/shop/bin/releases, --newest-first]  # one version per line
 *   health: [systemctl, is-active, --quiet, "{service}"]    # exit 0 = healthy
 *   workDir: .
 *   timeout: 5m
 * </pre>
 *
 * Heroku, Render, Railway, Vercel and npm scripts fit the same way, e.g. {@code deploy: [heroku,
 * rollback, "{version}", --app, shop-api]}.
 */
public record CommandSettings(
    List<String> stop,
    List<String> start,
    List<String> deploy,
    List<String> currentVersion,
    List<String> listVersions,
    List<String> health,
    String workDir,
    Duration timeout) {
  public CommandSettings {
    stop = copy(stop);
    start = copy(start);
    deploy = copy(deploy);
    currentVersion = copy(currentVersion);
    listVersions = copy(listVersions);
    health = copy(health);
    timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
  }

  private static List<String> copy(List<String> argv) {
    return argv == null ? List.of() : List.copyOf(argv);
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    problems.addAll(Argv.problems(path + ".stop", stop, false, false));
    problems.addAll(Argv.problems(path + ".start", start, false, false));
    problems.addAll(Argv.problems(path + ".deploy", deploy, true, true));
    if (!deploy.isEmpty() && !Argv.mentions(deploy, Argv.VERSION)) {
      problems.add(path + ".deploy: no {version} placeholder: deploy must be told which version"
          + " to run");
    }
    problems.addAll(Argv.problems(path + ".currentVersion", currentVersion, false, false));
    problems.addAll(Argv.problems(path + ".listVersions", listVersions, false, false));
    problems.addAll(Argv.problems(path + ".health", health, false, false));
    ServiceSettings.positive(problems, path + ".timeout", timeout);
    return problems;
  }
}
