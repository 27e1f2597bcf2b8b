package dev.runbook.starter.report;

import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.IncidentReport.Act;
import dev.runbook.workflows.model.IncidentReport.Kind;
import java.time.Instant;
import java.util.List;

/** Incident reports for the tests of what shows them (the builder has its own, on PostgreSQL). */
public final class SampleReports {
  public static final Instant T = Instant.parse("2026-11-27T02:00:00Z");

  private SampleReports() {}

  /** A finished P1 emergency rollback of api with every section filled, and awkward text in it. */
  public static IncidentReport emergency(String workflowId) {
    return new IncidentReport(workflowId, "run-a", "emergency", Kind.INCIDENT, null, "P1", List.of("api"), "INC-42",
        "5xx | after v2\nsince 02:00", "erin", T, T.plusSeconds(95), 95_000L, "succeeded", "rolled back api v2 -> v1",
        null,
        List.of(
            new IncidentReport.Step("resolve-target", "Find the version", "succeeded", 1, T.plusSeconds(1),
                T.plusSeconds(2), 1_000L, null, "v1, last known good"),
            new IncidentReport.Step("approval", "Approval: P1 needs an approver", "approved", 1, T.plusSeconds(3),
                T.plusSeconds(40), 37_000L, null, "approved by alice"),
            new IncidentReport.Step("deploy", "Deploy v1", "succeeded", 2, T.plusSeconds(71), T.plusSeconds(80),
                9_000L, null, "v1 running")),
        List.of(
            new Act(T, "erin", "requested", null, null, "5xx | after v2\nsince 02:00"),
            new Act(T.plusSeconds(20), "erin", "refused", "approval", null, "the requester cannot approve"),
            new Act(T.plusSeconds(40), "alice", "approved", "approval", null, "go"),
            new Act(T.plusSeconds(70), "bob", "decided", "deploy", "retry", "registry is back")),
        List.of(new IncidentReport.VersionChange("api", "v2", "v1", "7", "rollback", "erin", false, T.plusSeconds(80),
            T.plusSeconds(90))),
        null,
        List.of(new IncidentReport.ConfigChange("api", "cfg-new", "cfg-old", T.plusSeconds(80), List.of("LEGACY"),
            List.of(), List.of("FEATURE_X"))),
        null,
        new IncidentReport.Sla("within SLA (1m31s of 10m)", true, 600_000L, 91_000L, T.plusSeconds(91)),
        List.of(new IncidentReport.Notification(T.plusSeconds(1), "started", "slack", null),
            new IncidentReport.Notification(T.plusSeconds(92), "resolved", null, "slack answered 500")),
        null, T.plusSeconds(3600));
  }

  /** A database restore that is still going (no end in the log), with its backups. */
  public static IncidentReport openRestore(String workflowId) {
    IncidentReport.Backup used = new IncidentReport.Backup("b-1", "shop", "7300000000000000001", "db1", 5432, "shop",
        T.minusSeconds(3600), 4096L, "11", "backup", 3_621_000L);
    IncidentReport.Backup safety = new IncidentReport.Backup("safety-1", "shop", "7300000000000000001", "db1", 5432,
        "shop", T.plusSeconds(8), 8192L, "12", "safety-backup", null);
    return new IncidentReport(workflowId, "run-d", "database", Kind.INCIDENT, null, "P1", List.of("api"), null,
        "corrupted orders", "erin", T, null, null, null, null, null, List.of(),
        List.of(new Act(T, "erin", "requested", null, null, "corrupted orders")), List.of(),
        new IncidentReport.SchemaChange("shop", "12", "11", T.plusSeconds(3)), List.of(),
        new IncidentReport.Backups(used, safety, new IncidentReport.Discarded(T.minusSeconds(3600), "safety-1", null)),
        null, List.of(), null, T.plusSeconds(60));
  }
}
