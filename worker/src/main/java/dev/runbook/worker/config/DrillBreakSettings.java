package dev.runbook.worker.config;

import dev.runbook.activities.drill.BreakSpec;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.policy.Slas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code break:} of a drill: exactly one of a known-bad version, bad configuration values, or
 * a break command (with an optional undo). Values and commands stay in the workers' configuration:
 * a drill's input says only which kind.
 *
 * <pre>
 * break: { version: v2.3.0-bad }                          # deploy it
 * break: { config: { DATABASE_URL: "postgres://nowhere:1/shop" } }   # write it, restart
 * break: { command: [./ci/deploy-broken.sh], undo: [./ci/clean.sh], timeout: 10m }
 * </pre>
 *
 * @param service for a full drill, the service of the environment that is broken
 * @param workDir where the commands run, relative to the configuration file; its directory when left out
 */
public record DrillBreakSettings(
    String version,
    String service,
    Map<String, String> config,
    List<String> command,
    List<String> undo,
    Duration timeout,
    String workDir) {

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /** The kind of break written; VERSION when none or several are (the problems say which). */
  public DrillBreak mode() {
    return config != null ? DrillBreak.CONFIG : command != null ? DrillBreak.COMMAND : DrillBreak.VERSION;
  }

  /** What the workers write or run, for a configuration or command break; null for a version. */
  public BreakSpec spec(Path baseDir) {
    return switch (mode()) {
      case VERSION -> null;
      case CONFIG -> new BreakSpec(DrillBreak.CONFIG, config, null, null, null, timeout);
      case COMMAND -> new BreakSpec(DrillBreak.COMMAND, null, command, undo,
          workDir == null ? baseDir : baseDir.resolve(workDir).normalize(), timeout);
    };
  }

  /**
   * Every problem, each naming its path under {@code path} (the drill's {@code break}) and the fix.
   *
   * @param emergency true for an emergency drill (a configuration break needs one)
   * @param configured whether the service broken has a {@code config:} section
   */
  List<String> problems(String path, boolean emergency, String broken, boolean configured) {
    List<String> p = new ArrayList<>();
    int given = (version != null ? 1 : 0) + (config != null ? 1 : 0) + (command != null ? 1 : 0);
    if (given != 1) {
      p.add(path + ": " + (given == 0 ? "missing" : "gives " + given + " breaks") + ": write exactly one of version"
          + " (deploy a known-bad version, e.g. {version: v2.3.0-bad}), config (bad values written over the"
          + " service's configuration) or command (a command that breaks it, e.g. [./deploy-broken.sh])");
    }
    if (version != null && version.isBlank()) {
      p.add(path + ".version: empty: name the known-bad version the drill deploys");
    }
    if (config != null) {
      if (config.isEmpty()) {
        p.add(path + ".config: empty: give the variables and the bad values the drill writes");
      }
      config.forEach((name, value) -> {
        if (name == null || !VARIABLE.matcher(name).matches() || value == null) {
          p.add(path + ".config." + name + ": give a variable name (letters, digits, '_') and a value");
        }
      });
      if (!emergency) {
        p.add(path + ".config: a configuration break is rehearsed with the emergency runbook: use runbook: emergency,"
            + " or break a full drill with a version or a command");
      } else if (broken != null && !configured) {
        p.add(path + ".config: service '" + broken + "' has no config section to write to: add one under"
            + " services." + broken + ".config, or break with a version or a command");
      }
    }
    if (command != null && (command.isEmpty() || command.stream().anyMatch(a -> a == null || a.isEmpty()))) {
      p.add(path + ".command: give the command as a list of arguments, e.g. [./deploy-broken.sh, staging]");
    }
    if (undo != null && command == null) {
      p.add(path + ".undo: is for a command break: remove it, or give break.command");
    } else if (undo != null && (undo.isEmpty() || undo.stream().anyMatch(a -> a == null || a.isEmpty()))) {
      p.add(path + ".undo: give the command as a list of arguments, e.g. [./clean-staging.sh]");
    }
    if ((timeout != null || workDir != null) && command == null) {
      p.add(path + ": timeout and workDir are for a command break: remove them, or give break.command");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      p.add(path + ".timeout: " + Slas.format(timeout) + " is out of range: write more than 0 and at most 1h, e.g. 10m");
    }
    return p;
  }
}
