package dev.runbook.activities.config;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where one kind of configuration lives, read and written: an env file, a ConfigMap and a
 * container's env, a platform's variables. Writing is planned first (reads only), so a dry run
 * shows the exact commands (values masked) and can change nothing.
 */
interface ConfigSource {
  /**
   * One write; {@code display} never holds a value. The effect notes what it runs on the trace (a
   * command run through the trace is noted by it).
   */
  record Write(String display, Consumer<ConfigTrace> effect) {}

  /** The configuration as it is now. */
  ConfigContent read(ConfigTrace trace);

  /** What {@link #read} runs, without running it. */
  List<String> planRead();

  /** The writes that make the service's configuration {@code target}, from {@code current}. */
  List<Write> planWrite(ConfigContent target, ConfigContent current, ConfigTrace reads);
}
