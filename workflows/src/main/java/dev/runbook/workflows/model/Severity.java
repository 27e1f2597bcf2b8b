package dev.runbook.workflows.model;

/** Incident severity from the source decision matrix: P0 acts at once, P1 and P2 wait for approval. */
public enum Severity {
  P0,
  P1,
  P2;

  /** Parses "P1", "p1" or "1"; the message names the accepted values. */
  public static Severity parse(String text) {
    if (text != null) {
      String t = text.trim().toUpperCase(java.util.Locale.ROOT);
      for (Severity s : values()) {
        if (s.name().equals(t) || s.name().substring(1).equals(t)) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "severity '" + text + "' is not valid: use P0 (no approval), P1 or P2");
  }
}
