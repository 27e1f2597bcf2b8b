package dev.runbook.workflows.model;

import java.util.regex.Pattern;

/**
 * Workflow IDs. A real run takes its business ID, {@code rollback-<service>} or {@code
 * rollback-full-<environment>}, so a second rollback of the same target is refused while one
 * runs. A dry run changes nothing and holds nothing: it takes an ID of its own, {@code
 * dryrun-<service>-<tag>} or {@code dryrun-full-<environment>-<tag>}, where the tag is eight
 * random hex digits chosen by whoever starts it; it never blocks a real run, nor is blocked by one,
 * and two dry runs of one service may run side by side.
 *
 * <p>The jobs beside the runbooks never hold a service either: a backup is {@code
 * backup-<database>-<tag>} and a cleanup {@code cleanup-<database>-<tag>} (or {@code cleanup-<tag>}
 * for every database), so two backups of one database never clash and neither blocks a rollback.
 * A database's schedule, which starts them, is {@code schedule-<database>}: one per database. A
 * rollback drill is {@code drill-<target>-<tag>}, and a target's drill schedule {@code drills-<target>}.
 */
public final class WorkflowIds {
  public static final String PREFIX = "rollback-";
  public static final String FULL_PREFIX = "rollback-full-";
  public static final String DRY_RUN_PREFIX = "dryrun-";
  public static final String BACKUP_PREFIX = "backup-";
  public static final String CLEANUP_PREFIX = "cleanup-";
  public static final String SCHEDULE_PREFIX = "schedule-";
  public static final String DRILL_PREFIX = "drill-";
  public static final String DRILL_SCHEDULE_PREFIX = "drills-";
  public static final String CHECKLIST_PREFIX = "checklist-";

  /** A dry run's tag: eight lower-case hex digits. */
  public static final Pattern DRY_RUN_TAG = Pattern.compile("[0-9a-f]{8}");

  /** Every ID a run can have: a business ID, a dry run's own, a backup's or a cleanup's. */
  public static final Pattern RUN_ID = Pattern.compile(
      Pattern.quote(PREFIX) + Validation.NAME.pattern()
          + "|" + Pattern.quote(DRY_RUN_PREFIX) + Validation.NAME.pattern() + "-" + DRY_RUN_TAG.pattern()
          + "|" + Pattern.quote(BACKUP_PREFIX) + Validation.NAME.pattern() + "-" + DRY_RUN_TAG.pattern()
          + "|" + Pattern.quote(CLEANUP_PREFIX) + "(" + Validation.NAME.pattern() + "-)?" + DRY_RUN_TAG.pattern());

  /** What a person is told when an ID does not have the shape of one. */
  public static final String SHAPES =
      "rollback-<service>, rollback-full-<environment>, for a dry run dryrun-<service>-<tag>"
          + " or dryrun-full-<environment>-<tag>, backup-<database>-<tag> or cleanup-<database>-<tag>";

  private WorkflowIds() {}

  public static String forService(String service) {
    return PREFIX + service;
  }

  public static String forEnvironment(String environment) {
    return FULL_PREFIX + environment;
  }

  /**
   * The ID of a dry run of what {@code businessId} names: {@code rollback-api} with tag {@code
   * 1a2b3c4d} gives {@code dryrun-api-1a2b3c4d}; {@code rollback-full-prod} gives {@code
   * dryrun-full-prod-1a2b3c4d}.
   */
  public static String forDryRun(String businessId, String tag) {
    if (businessId == null || !businessId.startsWith(PREFIX)) {
      throw new IllegalArgumentException("'" + businessId + "' is not a business ID (" + PREFIX + "...)");
    }
    if (tag == null || !DRY_RUN_TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("a dry run's tag is eight hex digits, not '" + tag + "'");
    }
    return DRY_RUN_PREFIX + businessId.substring(PREFIX.length()) + "-" + tag;
  }

  /** Imports of dump files: {@code import-<database>-<16 hex digits of the path's sha256>}. */
  public static final String IMPORT_PREFIX = "import-";

  /** The workflow ID of an import of {@code file} into {@code database}'s backups. */
  public static String forImport(String database, String file) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(file.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return IMPORT_PREFIX + database + "-" + java.util.HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A backup of {@code database}; the tag (eight hex digits) keeps two backups of it apart. */
  public static String forBackup(String database, String tag) {
    return BACKUP_PREFIX + database + "-" + requireTag(tag);
  }

  /** A cleanup of {@code database}, or of every database when it is null. */
  public static String forCleanup(String database, String tag) {
    return CLEANUP_PREFIX + (database == null ? "" : database + "-") + requireTag(tag);
  }

  /** The one schedule of {@code database}, which starts its scheduled backups and cleanups. */
  public static String forSchedule(String database) {
    return SCHEDULE_PREFIX + database;
  }

  /**
   * A drill of {@code target}; the tag (eight hex digits) keeps two drills apart. The runbook a
   * drill starts takes the target's business ID, as a real rollback would.
   */
  public static String forDrill(String target, String tag) {
    return DRILL_PREFIX + target + "-" + requireTag(tag);
  }

  /** The one drill schedule of {@code target}, which starts its scheduled drills. */
  public static String forDrillSchedule(String target) {
    return DRILL_SCHEDULE_PREFIX + target;
  }

  /**
   * The post-rollback checklist of the run {@code runWorkflowId} that ended at {@code endedAt}:
   * {@code checklist-rollback-api-20261127T035505123Z}. One per run, not per run's ID: the ID comes
   * back with the service's next rollback, whose checklist is another incident's, while the
   * first may still be open. The end time (workflow time, the same when a history replays) keeps
   * them apart: two runs of one ID never end in the same millisecond.
   */
  public static String forChecklist(String runWorkflowId, java.time.Instant endedAt) {
    return CHECKLIST_PREFIX + runWorkflowId + "-" + CHECKLIST_STAMP.format(endedAt);
  }

  private static final java.time.format.DateTimeFormatter CHECKLIST_STAMP =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(java.time.ZoneOffset.UTC);

  private static String requireTag(String tag) {
    if (tag == null || !DRY_RUN_TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("a run's tag is eight hex digits, not '" + tag + "'");
    }
    return tag;
  }

  /** True for a dry run's own ID. */
  public static boolean isDryRun(String workflowId) {
    return workflowId != null && workflowId.startsWith(DRY_RUN_PREFIX);
  }

  /** True when {@code id} has the shape of a run's ID (a business ID or a dry run's). */
  public static boolean isRunId(String id) {
    return id != null && RUN_ID.matcher(id).matches();
  }
}
