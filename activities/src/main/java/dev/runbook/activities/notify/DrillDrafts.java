package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.MessageTemplates.blank;
import static dev.runbook.activities.notify.MessageTemplates.facts;

import dev.runbook.activities.notify.MessageTemplates.Draft;
import dev.runbook.activities.notify.MessageTemplates.Fact;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.policy.Durations;
import java.util.List;

/**
 * The messages of a rollback drill: its report, and the mark on every message of the runbook it
 * started, so that nobody takes a rehearsal on staging for an incident.
 */
final class DrillDrafts {
  private DrillDrafts() {}

  /** True for the messages of a runbook a drill started (its reason begins with the drill's mark). */
  static boolean rehearsed(Notification n) {
    return n.reason() != null && n.reason().startsWith(DrillRequest.REASON_PREFIX);
  }

  /**
   * A drill's report. The drill sends its one-sentence outcome as the reason, the verdict line
   * first and the figures after it as the detail, the rollback's time as the duration and the
   * SLA as the ETA.
   */
  static Draft draft(Notification n) {
    String target = n.services() == null || n.services().isEmpty() ? "(no target)" : String.join(", ", n.services());
    String run = blank(n.workflowId()) ? "DRILL" : n.workflowId();
    String detail = blank(n.detail()) ? "" : n.detail().strip();
    int cut = detail.indexOf('\n');
    String verdict = cut < 0 ? detail : detail.substring(0, cut);
    String figures = cut < 0 ? null : detail.substring(cut + 1);
    return new Draft(
        "DRILL " + target + ": " + (verdict.isEmpty() ? "ended" : verdict),
        blank(n.reason()) ? "The rollback drill of " + target + " ended." : n.reason(),
        facts("Verdict", verdict.isEmpty() ? null : verdict,
            "Rolled back in", n.duration() == null ? null : Durations.human(n.duration()),
            "SLA", n.eta() == null ? null : Durations.human(n.eta()),
            "Requested by", n.requestedBy(), "Drill", run),
        figures,
        List.of(new Fact("Drills", "./runbook drills " + target)));
  }
}
