package dev.runbook.starter.report;

import static dev.runbook.starter.report.Md.cell;
import static dev.runbook.starter.report.Md.cellTime;
import static dev.runbook.starter.report.Md.duration;
import static dev.runbook.starter.report.Md.text;
import static dev.runbook.starter.report.Md.time;

import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.IncidentReport.Backup;
import java.util.ArrayList;
import java.util.List;

/**
 * An incident report as Markdown: a heading, a summary table, the timeline, then people, changes,
 * backups, notifications, SLA and checklist. Every value goes through {@link Md#cell} so a pipe or a
 * newline in a reason or a comment cannot break a table; a fact the report does not have reads "not
 * recorded". The report holds no configuration value or token, so none can be printed.
 */
public final class ReportMarkdown {
  private ReportMarkdown() {}

  public static String render(IncidentReport r) {
    StringBuilder out = new StringBuilder();
    out.append("# Incident report: ").append(cell(r.runbook())).append(" rollback of ")
        .append(cell(String.join(", ", r.services()))).append(" (")
        .append(r.severity() == null ? "severity not recorded" : cell(r.severity()))
        .append(r.incidentId() == null ? "" : ", " + cell(r.incidentId())).append(")\n\n");
    if (r.kind() == IncidentReport.Kind.DRY_RUN) {
      out.append("> A dry run: it planned the rollback and changed nothing.\n\n");
    } else if (r.kind() == IncidentReport.Kind.DRILL) {
      out.append("> A drill's rehearsal (").append(cell(r.drill())).append("), not an incident.\n\n");
    }
    summary(out, r);
    timeline(out, r);
    people(out, r);
    changes(out, r);
    backups(out, r.backups());
    notifications(out, r);
    sla(out, r);
    checklist(out, r.checklist());
    out.append("_Built ").append(time(r.generatedAt()))
        .append(" from the rollback log; each time is the one the log recorded._\n");
    return out.toString();
  }

  private static void summary(StringBuilder out, IncidentReport r) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("Run", cell(r.workflowId()) + " (run " + cell(r.runId()) + ")"));
    rows.add(List.of("What it was", switch (r.kind()) {
      case INCIDENT -> "incident";
      case DRY_RUN -> "dry run (changed nothing)";
      case DRILL -> "drill rehearsal " + cell(r.drill());
    }));
    rows.add(List.of("Runbook", cell(r.runbook())));
    rows.add(List.of("Services", cell(String.join(", ", r.services()))));
    rows.add(List.of("Severity", text(r.severity())));
    rows.add(List.of("Incident", text(r.incidentId())));
    rows.add(List.of("Reason", text(r.reason())));
    rows.add(List.of("Requested by", text(r.requestedBy())));
    rows.add(List.of("Started", time(r.startedAt())));
    rows.add(List.of("Ended", r.finishedAt() != null ? time(r.finishedAt()) : "not ended"));
    rows.add(List.of("Duration", r.durationMs() == null ? Md.NOT_RECORDED : duration(r.durationMs())));
    rows.add(List.of("Outcome", r.outcome() == null ? "not ended" : cell(r.outcome())));
    rows.add(List.of("Message", text(r.message())));
    if (r.live() != null) {
      IncidentReport.Live l = r.live();
      rows.add(List.of("Now (from Temporal)", cell(l.phase()) + (l.currentStep() == null ? "" : ", step " + cell(l.currentStep()))
          + (l.waitingFor() == null ? "" : ", waiting for " + cell(l.waitingFor())) + " at " + time(l.at())));
    }
    rows.add(List.of("SLA", r.sla() == null ? "not measured" : text(r.sla().verdict())));
    Md.table(out, List.of("Field", "Value"), rows);
  }

  private static void timeline(StringBuilder out, IncidentReport r) {
    out.append("## Timeline\n\n");
    if (r.timeline().isEmpty()) {
      out.append("No step recorded.\n\n");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (IncidentReport.Step s : r.timeline()) {
      rows.add(List.of(cell(s.step()), cell(s.title()), cell(s.state()), Integer.toString(s.attempts()),
          cellTime(s.startedAt()), cellTime(s.finishedAt()), duration(s.durationMs()),
          s.error() != null ? cell(s.error()) : cell(s.detail())));
    }
    Md.table(out, List.of("Step", "Title", "State", "Attempts", "Started", "Ended", "Duration", "Error or detail"), rows);
  }

  private static void people(StringBuilder out, IncidentReport r) {
    out.append("## People\n\n");
    if (r.people().isEmpty()) {
      out.append("No act of a person recorded.\n\n");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (IncidentReport.Act a : r.people()) {
      rows.add(List.of(cellTime(a.at()), cell(a.person()), cell(a.act()), cell(a.step()), cell(a.action()),
          cell(a.comment())));
    }
    Md.table(out, List.of("Time", "Person", "Act", "Step", "Decision", "Comment"), rows);
  }

  private static void changes(StringBuilder out, IncidentReport r) {
    out.append("## Changes\n\n");
    if (r.versions().isEmpty()) {
      out.append("Versions: none recorded.\n\n");
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (IncidentReport.VersionChange v : r.versions()) {
        String source = v.source().equals("run")
            ? (r.kind() == IncidentReport.Kind.DRY_RUN ? "planned by the run" : "resolved by the run, no deploy recorded")
            : cell(v.source()) + (v.forced() ? " (forced)" : "");
        rows.add(List.of(cell(v.service()), cell(v.from()), cell(v.to()), cell(v.schema()), source, cell(v.by()),
            cellTime(v.at()), v.verifiedAt() == null ? "not recorded" : time(v.verifiedAt())));
      }
      Md.table(out, List.of("Service", "From", "To", "Schema", "Source", "By", "At", "Verified healthy"), rows);
    }
    if (r.schema() != null) {
      IncidentReport.SchemaChange s = r.schema();
      out.append("Schema").append(s.database() == null ? "" : " of " + cell(s.database())).append(": ")
          .append(text(s.from())).append(" -> ").append(text(s.to())).append(" (resolved ")
          .append(time(s.at())).append(")\n\n");
    }
    if (!r.configs().isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (IncidentReport.ConfigChange c : r.configs()) {
        rows.add(List.of(cell(c.service()), text(c.from()), cell(c.to()), cellTime(c.at()), Md.names(c.added()),
            Md.names(c.removed()), Md.names(c.changed())));
      }
      Md.table(out, List.of("Service", "Configuration left", "Restored", "At", "Names added", "Names removed",
          "Names changed"), rows);
      out.append("Configuration values are never shown: only the names that differ.\n\n");
    }
  }

  private static void backups(StringBuilder out, IncidentReport.Backups b) {
    out.append("## Backups\n\n");
    if (b == null) {
      out.append("The run restored no backup and took none.\n\n");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    if (b.used() != null) {
      rows.add(backupRow("restored", b.used()));
    }
    if (b.safety() != null) {
      rows.add(backupRow("safety copy", b.safety()));
    }
    Md.table(out, List.of("Role", "Backup", "Database (system id, host:port/name)", "Taken", "Age at restore",
        "Size", "Schema"), rows);
    if (b.discarded() != null) {
      IncidentReport.Discarded d = b.discarded();
      out.append("Discarded: writes after ").append(time(d.after())).append(" are not in the restored database; ")
          .append(d.keptBy() == null ? "no safety copy is recorded." : "the safety copy " + cell(d.keptBy())
              + " keeps them.")
          .append(d.rows() == null ? " Rows discarded: not measured." : "").append("\n\n");
      if (d.rows() != null) {
        List<List<String>> measured = new ArrayList<>();
        d.rows().forEach(t -> measured.add(List.of(cell(t.table()), Long.toString(t.rows()), Long.toString(t.inserted()),
            Long.toString(t.updated()), Long.toString(t.deleted()))));
        if (measured.isEmpty()) {
          out.append("Measured: the live database held no row the backup lacked or had changed.\n\n");
        } else {
          Md.table(out, List.of("Table", "Rows discarded", "Newer than the backup", "Changed", "Deleted since"), measured);
        }
      }
      if (d.salvage() != null) {
        out.append("Salvage set: ").append(cell(d.salvage())).append("; to re-apply its rows to the restored database: `psql -v")
            .append(" ON_ERROR_STOP=1 -d DATABASE -f ").append(d.script() == null ? "apply.sql" : d.script().replace("`", ""))
            .append("`\n\n");
      }
    }
  }

  private static List<String> backupRow(String role, Backup b) {
    String where = b.database() == null ? Md.NOT_RECORDED : cell(b.database()) + " ("
        + (b.systemIdentifier() == null ? "system id not recorded" : cell(b.systemIdentifier())) + ", "
        + (b.host() == null ? "?" : cell(b.host())) + ":" + (b.port() == null ? "?" : b.port()) + "/"
        + (b.physicalDatabase() == null ? "?" : cell(b.physicalDatabase())) + ")";
    return List.of(role, cell(b.backupId()), where, cellTime(b.takenAt()), duration(b.ageAtRestoreMs()),
        b.sizeBytes() == null ? "-" : b.sizeBytes() + " bytes", cell(b.schemaVersion()));
  }

  private static void notifications(StringBuilder out, IncidentReport r) {
    out.append("## Notifications\n\n");
    if (r.notifications().isEmpty()) {
      out.append("No notification recorded.\n\n");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (IncidentReport.Notification n : r.notifications()) {
      rows.add(List.of(cellTime(n.at()), cell(n.kind()), cell(n.channel()),
          n.failure() == null ? "delivered" : "failed: " + cell(n.failure())));
    }
    Md.table(out, List.of("Time", "Message", "Channel", "Result"), rows);
  }

  private static void sla(StringBuilder out, IncidentReport r) {
    out.append("## SLA\n\n");
    IncidentReport.Sla s = r.sla();
    if (s == null) {
      out.append("Not measured: ").append(r.kind() == IncidentReport.Kind.DRY_RUN ? "a dry run is not timed"
          : "no SLA applies, or the run did not get as far as rolled back and verified").append(".\n\n");
      return;
    }
    out.append(text(s.verdict()));
    if (s.tookMs() != null && s.slaMs() != null) {
      out.append(": took ").append(duration(s.tookMs())).append(" of ").append(duration(s.slaMs()));
    }
    out.append(" (measured ").append(time(s.at())).append(").\n\n");
  }

  private static void checklist(StringBuilder out, IncidentReport.Checklist c) {
    out.append("## Checklist\n\n");
    if (c == null) {
      out.append("No checklist recorded.\n\n");
      return;
    }
    out.append("State: ").append(text(c.state())).append(" (read ").append(time(c.at())).append(")\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (IncidentReport.ChecklistItem i : c.items()) {
      rows.add(List.of(cell(i.item()), cell(i.owner()), cellTime(i.deadline()), cell(i.state()), cellTime(i.doneAt()),
          cell(i.doneBy()), cell(i.note())));
    }
    Md.table(out, List.of("Item", "Owner", "Deadline", "State", "Done", "By", "Note"), rows);
  }
}
