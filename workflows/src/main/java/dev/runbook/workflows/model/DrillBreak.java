package dev.runbook.workflows.model;

import java.util.Locale;

/**
 * How a drill breaks its target. The values a configuration break writes and the commands a
 * command break runs live in the workers' {@code drills:} configuration, never in a drill's input.
 */
public enum DrillBreak {
  /** Deploy the known-bad version; the emergency or full runbook rolls the version back. */
  VERSION("the known-bad version"),
  /**
   * Write the configured bad values over the service's configuration and restart it; the
   * emergency runbook restores the last known good configuration ({@code --config-only}).
   */
  CONFIG("a bad configuration"),
  /**
   * Run the configured break command (a pipeline's deploy of a broken build, say), which must
   * leave the service on another version for the runbook to roll back; the optional undo command
   * runs when staging is restored.
   */
  COMMAND("the break command");

  private final String label;

  DrillBreak(String label) {
    this.label = label;
  }

  /** What a report and a message call it. */
  public String label() {
    return label;
  }

  /** The spelling in configuration and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "version", "config" or "command"; the message names the accepted values. */
  public static DrillBreak parse(String text) {
    if (text != null) {
      String t = text.trim().toUpperCase(Locale.ROOT);
      for (DrillBreak b : values()) {
        if (b.name().equals(t)) {
          return b;
        }
      }
    }
    throw new IllegalArgumentException("break '" + (text == null ? "" : Validation.printable(text))
        + "' is not known: use version (deploy the known-bad version), config (write the configured bad values)"
        + " or command (run the configured break command)");
  }
}
