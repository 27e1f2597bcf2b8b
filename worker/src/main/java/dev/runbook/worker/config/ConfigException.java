package dev.runbook.worker.config;

import java.util.List;

/**
 * The configuration cannot be used; every problem names the file, the path in it and the fix. It
 * is bad input: commands exit 2 on it, as on any other.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ConfigException(String file, List<String> problems) {
    super(file + (problems.size() == 1 ? " has a problem:" : " has " + problems.size() + " problems:")
        + "\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
