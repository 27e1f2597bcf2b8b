package dev.runbook.activities.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
 *   versionPattern: 'release-(\d+)'  # optional: where the version is in what they print
 *   workDir: .
 *   timeout: 5m
 * </pre>
 *
 * Heroku, Render, Railway, Vercel, Netlify and npm scripts fit the same way (runbook.example.yaml
 * has one of each), e.g. {@code deploy: [heroku, releases:rollback, "v{version}", --app,
 * shop-api]}. A platform's CLI rarely prints a bare version: {@code versionPattern} finds it in
 * what {@code currentVersion} and {@code listVersions} print (stdout, else stderr, where some CLIs
 * write everything but their result); the version is the first group that took part in a match,
 * or the whole match.
 */
public record CommandSettings(
    List<String> stop,
    List<String> start,
    List<String> deploy,
    List<String> currentVersion,
    List<String> listVersions,
    List<String> health,
    String workDir,
    Duration timeout,
    String versionPattern) {
  public CommandSettings(List<String> stop, List<String> start, List<String> deploy, List<String> currentVersion,
      List<String> listVersions, List<String> health, String workDir, Duration timeout) {
    this(stop, start, deploy, currentVersion, listVersions, health, workDir, timeout, null);
  }

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
    if (versionPattern != null) {
      try {
        Pattern.compile(versionPattern);
      } catch (PatternSyntaxException e) {
        problems.add(path + ".versionPattern: not a regular expression (" + e.getDescription()
            + " at index " + e.getIndex() + "): fix it, or leave it out to take the first line printed");
      }
      if (currentVersion.isEmpty() && listVersions.isEmpty()) {
        problems.add(path + ".versionPattern: reads what currentVersion and listVersions print, and"
            + " neither is set: set one, or leave the pattern out");
      }
    }
    return problems;
  }

  /** The compiled {@code versionPattern}, or null: then the first line is the version. */
  Pattern versionRegex() {
    return versionPattern == null ? null : Pattern.compile(versionPattern, Pattern.MULTILINE);
  }
}
