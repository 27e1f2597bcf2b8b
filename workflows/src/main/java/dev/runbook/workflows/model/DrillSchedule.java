package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A drill that runs on a schedule (monthly, say): the schedule run {@code drills-<target>} sleeps
 * until the cron expression fires, starts the drill as a run of its own with a fresh tag and the
 * schedule as its requester, waits for it, and goes on.
 *
 * @param drill the drill to run; its tag and requestedBy are set at each firing
 * @param schedule when it fires
 * @param last the last drill the schedule started (carried from one of its runs to the next)
 */
public record DrillSchedule(DrillRequest drill, CronSchedule schedule, DrillRun last) {

  /** A drill the schedule started and what it found. */
  public record DrillRun(String workflowId, Instant startedAt, String outcome, boolean slaMet) {}

  public DrillSchedule(DrillRequest drill, CronSchedule schedule) {
    this(drill, schedule, null);
  }

  /** The drill as the schedule starts it now: {@code tag} its own, the schedule its requester. */
  public DrillRequest firing(String tag) {
    return new DrillRequest(drill.runbook(), drill.target(), drill.services(), drill.brokenService(),
        drill.badVersion(), drill.detection(),
        drill.detectionLimit(), drill.sla(), drill.approver(), BackupJobRequest.SCHEDULE, tag, drill.breakWith(),
        drill.alertLabels(), drill.tell());
  }

  /** Problems with the schedule and the drill it fires, each naming the field and the fix. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (drill == null) {
      p.add("drill is required: say which drill the schedule runs");
    } else {
      p.addAll(firing("00000000").problems());
    }
    if (schedule == null) {
      p.add("schedule is required: give a cron expression, e.g. \"0 10 1 * *\" for 10:00 on the 1st of each month");
    } else {
      p.addAll(schedule.problems("schedule"));
    }
    return p;
  }
}
