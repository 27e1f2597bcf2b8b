package dev.runbook.activities.drill;

import dev.runbook.workflows.model.DrillBreak;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a target's {@code drills:} entry says its break writes or runs. Values and commands stay
 * on the workers; a drill's input only says which kind of break.
 *
 * @param mode the break configured
 * @param config for a configuration break: the variables and the bad values written over the
 *     service's configuration
 * @param command for a command break: the argv run (no shell), in {@code workDir}
 * @param undo for a command break: the argv run when staging is put back, or null
 * @param timeout how long each command may run
 */
public record BreakSpec(DrillBreak mode, Map<String, String> config, List<String> command, List<String> undo,
    Path workDir, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  public BreakSpec {
    config = config == null ? Map.of() : Map.copyOf(config);
    command = command == null ? List.of() : List.copyOf(command);
    undo = undo == null ? null : List.copyOf(undo);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }
}
