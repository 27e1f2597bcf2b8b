package dev.runbook.workflows.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How values read in step details and messages, which people read on a phone at night. */
public final class Shown {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Shown() {}

  /** A schema version, or "unknown" where no migrations say it. */
  public static String schema(String version) {
    return version == null ? "unknown" : version;
  }

  /** A moment to the second, in UTC: 2026-11-26 17:30:58 UTC. */
  public static String time(Instant t) {
    return t == null ? "unknown" : TIME.format(t);
  }
}
