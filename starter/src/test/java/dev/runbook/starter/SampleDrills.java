package dev.runbook.starter;

import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport.StepTime;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Drills as the drills table returns them, for the CLI and API tests. */
public final class SampleDrills {
  public static final Duration SLA = Duration.ofMinutes(10);

  private SampleDrills() {}

  /** A drill rolled back in {@code took} against a 10m SLA, started at {@code at}. */
  public static DrillLogEntry rolledBack(String target, String tag, Instant at, Duration took) {
    String id = "drill-" + target + "-" + tag;
    boolean met = took.compareTo(SLA) <= 0;
    Duration difference = met ? SLA.minus(took) : took.minus(SLA);
    DrillReport report = new DrillReport(id, target, DrillOutcome.ROLLED_BACK,
        met ? "rolled back within its SLA" : "rolled back, over its SLA", "v9-broken", "v8", true,
        DrillDetection.HEALTH_CHECK, Duration.ofSeconds(42), "rollback-" + target, Phase.SUCCEEDED, took,
        List.of(new StepTime("deploy", "Deploy v8", StepState.SUCCEEDED, Duration.ofSeconds(50))),
        SLA, met, difference, "approved by alice", 0, Duration.ofMinutes(5),
        DrillBreak.VERSION, null, null, null, null);
    return entry(report, at, "rolled-back");
  }

  /** A drill whose break monitoring never saw within 5m. */
  public static DrillLogEntry notDetected(String target, String tag, Instant at) {
    String id = "drill-" + target + "-" + tag;
    DrillReport report = new DrillReport(id, target, DrillOutcome.NOT_DETECTED, "monitoring never saw the break",
        "v9-broken", "v8", true, null, null, null, null, null, List.of(), SLA, false, null, "not asked", 0,
        Duration.ofMinutes(5),
        DrillBreak.VERSION, null, null, null, null);
    return entry(report, at, "not-detected");
  }

  /** A drill broken with the configured bad values and cancelled by dave while it waited for detection. */
  public static DrillLogEntry cancelled(String target, String tag, Instant at) {
    String id = "drill-" + target + "-" + tag;
    DrillReport report = new DrillReport(id, target, DrillOutcome.CANCELLED, "the drill was cancelled",
        DrillBreak.CONFIG.label(), "v8", true, null, null, null, null, null, List.of(), SLA, false, null, "not asked",
        1, Duration.ofMinutes(5), DrillBreak.CONFIG, "FEATURE_FLAGS", null, "dave (staging needed)", null);
    return entry(report, at, "cancelled");
  }

  /** A drill whose break command left the service on the version it ran. */
  public static DrillLogEntry failed(String target, String tag, Instant at) {
    String id = "drill-" + target + "-" + tag;
    DrillReport report = new DrillReport(id, target, DrillOutcome.FAILED, "the drill failed",
        DrillBreak.COMMAND.label(), "v8", true, null, null, null, null, null, List.of(), SLA, false, null, "not asked",
        0, Duration.ofMinutes(5), DrillBreak.COMMAND, "deploy-broken.sh", null, null,
        "the break command left " + target + " on v8, the version it ran");
    return entry(report, at, "failed");
  }

  /** A drill still going: its runbook started, no report yet. */
  public static DrillLogEntry running(String target, String tag, Instant at) {
    return new DrillLogEntry("drill-" + target + "-" + tag, "emergency", target, "erin", "alice", "v9-broken",
        "health-check", at, null, null, null, "rollback-" + target, null, null, SLA, null, null, null, null, null,
        null);
  }

  private static DrillLogEntry entry(DrillReport r, Instant at, String outcome) {
    Duration total = (r.timeToDetect() == null ? r.detectionLimit() : r.timeToDetect())
        .plus(r.timeToRollBack() == null ? Duration.ZERO : r.timeToRollBack()).plusSeconds(30);
    return new DrillLogEntry(r.workflowId(), "emergency", r.target(), "erin", "alice", r.brokenWith(),
        "health-check", at, at.plus(total), outcome, r.message(), r.rollbackWorkflowId(), r.timeToDetect(),
        r.timeToRollBack(), r.sla(), r.slaMet(), r.slaDifference(), r.restored(), r.approval(),
        r.manualInterventions(), r);
  }
}
