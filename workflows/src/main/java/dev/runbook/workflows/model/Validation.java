package dev.runbook.workflows.model;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field checks shared by the request records. Names end up in workflow IDs, file names, database
 * names and command arguments, so they are held to a small alphabet here, once.
 */
public final class Validation {
  /** Lower-case letters, digits, '-', '_' and '.', starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /** Versions: image tags, commit SHAs, semver. No spaces, quotes, ';', '$' or '/'. */
  public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+:@-]{0,127}");

  /** Backup IDs name directories on the worker: no '/', no leading '.', no "..". */
  public static final Pattern BACKUP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");

  /** Migration versions: digits with optional dots or underscores (Flyway 1.2, golang 20240101). */
  public static final Pattern MIGRATION = Pattern.compile("[0-9][0-9._]{0,39}");

  public static final int MAX_REASON = 2000;

  /** The longest fix-forward window an armed run may wait. */
  public static final Duration MAX_ARM = Duration.ofHours(24);

  private Validation() {}

  static void name(List<String> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is required");
    } else if (!NAME.matcher(value).matches()) {
      problems.add(
          field
              + " '"
              + printable(value)
              + "' is not a valid name: use lower-case letters, digits, '.', '_' or '-'"
              + " (at most 63, starting with a letter or digit)");
    }
  }

  static void optionalName(List<String> problems, String field, String value) {
    if (value != null) {
      name(problems, field, value);
    }
  }

  static void version(List<String> problems, String field, String value) {
    if (value != null && !VERSION.matcher(value).matches()) {
      problems.add(
          field
              + " '"
              + printable(value)
              + "' is not a valid version: use letters, digits and . _ + : @ - (no spaces,"
              + " quotes, ';', '$' or '/')");
    }
  }

  /**
   * A backup ID as {@code runbook backups} lists it. A value that looks like a file (a '/', or a
   * dump's extension) gets its own message: people reach for the file they have.
   *
   * @param database the configured database, named in the hint
   */
  static void backupId(List<String> problems, String field, String value, String database) {
    String problem = backupIdProblem(field, value, database);
    if (problem != null) {
      problems.add(problem);
    }
  }

  /** The problem with a backup ID, or null when it is one (or absent). */
  public static String backupIdProblem(String field, String value, String database) {
    if (value == null) {
      return null;
    }
    String list = "runbook backups " + (database == null ? "DATABASE" : database);
    if (looksLikeAFile(value)) {
      return field + " takes a backup ID, not a file: '" + printable(value) + "' looks like a path or"
          + " a dump file. Pass an ID that `" + list + "` lists, or give the file as backupFile"
          + " (`--backup-file " + printable(value) + "`): the run imports it first";
    }
    if (!BACKUP_ID.matcher(value).matches()) {
      return field + " '" + printable(value) + "' is not a backup ID: use one that `" + list
          + "` lists (lower-case letters, digits, '-' and '_')";
    }
    return null;
  }

  private static boolean looksLikeAFile(String value) {
    String v = value.toLowerCase(java.util.Locale.ROOT);
    return v.contains("/") || v.contains("\\") || v.endsWith(".sql") || v.endsWith(".gz")
        || v.endsWith(".dump") || v.endsWith(".tar");
  }

  /** The longest file path a request may name (Linux's PATH_MAX). */
  public static final int MAX_PATH = 4096;

  /**
   * A dump file on the workers: an absolute path (a worker's working directory is nobody's to
   * guess), without control characters or ".." parts.
   *
   * @return the problem, or null when it is one (or absent)
   */
  public static String backupFileProblem(String field, String value) {
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      return field + " is empty: give the absolute path of the dump on the workers";
    }
    if (value.length() > MAX_PATH || value.chars().anyMatch(Character::isISOControl)) {
      return field + " '" + printable(value) + "' is not a path: at most " + MAX_PATH + " characters,"
          + " no control characters";
    }
    if (!value.startsWith("/")) {
      return field + " '" + printable(value) + "' is not an absolute path: give the dump's full path"
          + " on the workers (e.g. /var/backups/db_2026-11-25.sql.gz); they resolve nothing against a"
          + " working directory";
    }
    for (String part : value.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        return field + " '" + printable(value) + "' has '" + part + "' in it: give the path without"
            + " '.' or '..' parts";
      }
    }
    return null;
  }

  static void migration(List<String> problems, String field, String value) {
    if (value != null && !MIGRATION.matcher(value).matches()) {
      problems.add(
          field + " '" + printable(value) + "' is not a migration version: use digits, e.g. 2");
    }
  }

  static void common(List<String> problems, RunbookRequest r) {
    if (r.severity() == null) {
      problems.add("severity is required: use P0, P1 or P2");
    }
    if (r.reason() == null || r.reason().isBlank()) {
      problems.add("reason is required: say why this rollback is needed");
    } else if (r.reason().length() > MAX_REASON) {
      problems.add("reason is " + r.reason().length() + " characters: keep it under " + MAX_REASON);
    }
    name(problems, "requestedBy", r.requestedBy());
    if (r.incidentId() != null && !VERSION.matcher(r.incidentId()).matches()) {
      problems.add(
          "incidentId '" + printable(r.incidentId()) + "' is not valid: use letters, digits and -");
    }
    if (r.notBefore() != null && r.severity() != Severity.P2) {
      problems.add("notBefore is only for P2 runs: drop it or use severity P2");
    }
  }

  /** The armed window of an emergency or full request, and the alert that armed it. */
  static void arm(List<String> problems, RunbookRequest r) {
    Duration arm = r.armFor();
    if (arm != null) {
      if (arm.isNegative() || arm.isZero() || arm.compareTo(MAX_ARM) > 0) {
        problems.add("armFor " + arm + " is out of range: give a window longer than 0 and at most 24h, e.g. 15m");
      }
      if (r.notBefore() != null) {
        problems.add("armFor and notBefore do not go together: an armed run waits its window, then goes;"
            + " drop one of them");
      }
    }
    if (r.armingAlert() != null) {
      if (arm == null) {
        problems.add("armingAlert needs armFor: only an armed run is disarmed by its alert");
      }
      r.armingAlert().problems(problems, "armingAlert");
    }
  }

  /** What a backup or cleanup request needs besides its database: a tag, who asks, a sane reason. */
  static void job(List<String> problems, RunbookRequest r, String tag) {
    if (tag == null || !WorkflowIds.DRY_RUN_TAG.matcher(tag).matches()) {
      problems.add("tag '" + (tag == null ? "" : printable(tag)) + "' is not eight lower-case hex digits: the"
          + " starter chooses it");
    }
    name(problems, "requestedBy", r.requestedBy());
    if (r.reason().length() > MAX_REASON) {
      problems.add("reason is " + r.reason().length() + " characters: keep it under " + MAX_REASON);
    }
  }

  static void positive(List<String> problems, String field, Duration d, Duration max) {
    if (d != null && (d.isNegative() || d.compareTo(max) > 0)) {
      problems.add(field + " " + d + " is out of range: use 0 to " + max);
    }
  }

  /** Shows a value in an error message without control characters and cut to a sane length. */
  public static String printable(String value) {
    String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  /** Throws one exception listing every problem, or returns the request. */
  public static <T extends RunbookRequest> T requireValid(T request) {
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid " + request.runbook().id() + " request: " + String.join("; ", problems));
    }
    return request;
  }
}
