package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * The incident report of one run, built only from what was recorded: the rollback log (which
 * outlives the Temporal server's retention), the release ledger, the backups and configuration
 * snapshots of the run, the notifications delivered, and, while the run is still open, its status
 * from Temporal. Every fact carries the time it was recorded; a fact the log does not have is null
 * (shown as "not recorded"), never guessed. No configuration value or token is ever in it:
 * configuration changes are named, not shown.
 *
 * @param kind what the run was: an incident, a dry run (it changed nothing) or a drill's rehearsal
 * @param drill the drill that started the run, or null
 * @param outcome the run's end (succeeded, failed, rejected, cancelled, ...), or null while it goes
 * @param live the run's status from Temporal while it has not ended in the log, else null
 * @param timeline every step the run recorded, in the order it started them
 * @param people who requested, approved, rejected, was refused, decided, cancelled, armed or
 *     disarmed, oldest first
 * @param versions the versions each service moved between
 * @param schema the schema a database run moved between, or null for runs without one
 * @param configs the configuration snapshots each service moved between
 * @param backups the backup a restore used and the safety copy taken before it, or null when the
 *     run restored nothing and took no backup
 * @param sla how the run compared with its SLA, or null when it was not measured
 * @param notifications the messages delivered (and the ones that failed), oldest first
 * @param checklist the post-rollback checklist's state, or null when none is recorded
 * @param generatedAt when the report was built
 */
public record IncidentReport(
    String workflowId,
    String runId,
    String runbook,
    Kind kind,
    String drill,
    String severity,
    List<String> services,
    String incidentId,
    String reason,
    String requestedBy,
    Instant startedAt,
    Instant finishedAt,
    Long durationMs,
    String outcome,
    String message,
    Live live,
    List<Step> timeline,
    List<Act> people,
    List<VersionChange> versions,
    SchemaChange schema,
    List<ConfigChange> configs,
    Backups backups,
    Sla sla,
    List<Notification> notifications,
    Checklist checklist,
    Instant generatedAt) {

  /** The same report with the run's live status from Temporal. */
  public IncidentReport withLive(Live now) {
    return new IncidentReport(workflowId, runId, runbook, kind, drill, severity, services, incidentId, reason,
        requestedBy, startedAt, finishedAt, durationMs, outcome, message, now, timeline, people, versions, schema,
        configs, backups, sla, notifications, checklist, generatedAt);
  }

  /** What a run was. */
  public enum Kind {
    INCIDENT,
    DRY_RUN,
    DRILL
  }

  /** The run's status from Temporal, read at {@code at}, while the log has no end for it. */
  public record Live(String phase, String currentStep, String waitingFor, Instant at) {}

  /**
   * One step as the rollback log has it.
   *
   * @param title the title the step started with, or null when not recorded
   * @param durationMs from start to end, when both are recorded
   * @param detail what the step reported when it ended
   */
  public record Step(
      String step,
      String title,
      String state,
      int attempts,
      Instant startedAt,
      Instant finishedAt,
      Long durationMs,
      String error,
      String detail) {}

  /**
   * One act of a person (or of the run on their behalf, for an escalation).
   *
   * @param act requested, approved, rejected, refused, escalated, decided, cancel requested, armed,
   *     disarmed
   * @param action what a decision chose (retry, skip, compensate, abort), else null
   * @param comment the person's comment or reason, as given
   */
  public record Act(Instant at, String person, String act, String step, String action, String comment) {}

  /**
   * One service's versions.
   *
   * @param source rollback or compensation (the ledger's source), or "run" when the ledger has no
   *     row and the versions are the run's own
   * @param verifiedAt when the version deployed passed the run's checks, per the ledger
   */
  public record VersionChange(
      String service, String from, String to, String schema, String source, String by, boolean forced,
      Instant at, Instant verifiedAt) {}

  /** The schema a database run moved between; {@code to} is null when it restored a backup of unknown schema. */
  public record SchemaChange(String database, String from, String to, Instant at) {}

  /**
   * A service's configuration snapshots, and the names (never the values) that differ.
   *
   * @param added names the snapshot rolled back to has and the one left did not
   * @param removed names the snapshot left had and the one rolled back to has not
   * @param changed names in both whose values differ
   */
  public record ConfigChange(
      String service, String from, String to, Instant at, List<String> added, List<String> removed,
      List<String> changed) {}

  /**
   * The backups of a run.
   *
   * @param used the backup a restore put back, or null
   * @param safety the copy taken before the run changed the database, or null
   * @param discarded what a restore left out, as far as the log knows, or null without a restore
   */
  public record Backups(Backup used, Backup safety, Discarded discarded) {}

  /**
   * A backup as the backups table has it.
   *
   * @param ageAtRestoreMs how old it was when the restore step started, for the backup restored
   */
  public record Backup(
      String backupId,
      String database,
      String systemIdentifier,
      String host,
      Integer port,
      String physicalDatabase,
      Instant takenAt,
      Long sizeBytes,
      String schemaVersion,
      String step,
      Long ageAtRestoreMs) {}

  /**
   * What a restore discarded.
   *
   * @param after writes after this time are not in the restored database
   * @param keptBy the safety copy that keeps them, or null when none is recorded
   * @param rows the rows measured as discarded, per table, or null: not measured by this run
   */
  public record Discarded(Instant after, String keptBy, List<TableRows> rows, String salvage, String script) {
    public Discarded(Instant after, String keptBy, List<TableRows> rows) {
      this(after, keptBy, rows, null, null);
    }
  }

  /**
   * Rows of one table a restore discarded, as measured with the writers stopped.
   *
   * @param rows inserted + updated + deleted
   */
  public record TableRows(String table, long rows, long inserted, long updated, long deleted) {}

  /** The SLA verdict recorded when the run was rolled back and verified. */
  public record Sla(String verdict, Boolean within, Long slaMs, Long tookMs, Instant at) {}

  /**
   * One message: delivered to a channel, or failed.
   *
   * @param kind the message's kind (started, approval needed, resolved, ...)
   * @param channel the channel it was delivered to, or null for a failure
   * @param failure why it could not be delivered, or null
   */
  public record Notification(Instant at, String kind, String channel, String failure) {}

  /** The post-rollback checklist: its items as recorded, and when it was read. */
  public record Checklist(String state, List<ChecklistItem> items, Instant at) {}

  /** One checklist item: its deadline, owner, state, and who ticked it when. */
  public record ChecklistItem(
      String item, String owner, Instant deadline, String state, Instant doneAt, String doneBy, String note) {}
}
