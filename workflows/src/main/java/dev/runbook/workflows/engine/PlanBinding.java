package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.PlanActivities.Plan;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.model.Vote;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an approval approves (DESIGN §12): the plan of the steps after the gate, read by {@link
 * PlanActivities} when the run asks and again once it is approved, and the words people see for
 * it and for what changed between two plans; an approval that lapses when the plan moved; approvals
 * that wait while a staged restore measures what it discards. Workflow code: the
 * reads are activities, the rest is text.
 */
final class PlanBinding {
  /** Lines of a change shown in a message; the full plans are in the run's status. */
  private static final int SHOWN_CHANGES = 4;

  private final RunState run;
  private final Journal journal;
  private PlanRequest request;

  PlanBinding(RunState run, Journal journal) {
    this.run = run;
    this.journal = journal;
  }

  /** The steps the run will take once approved; set before it asks. */
  void bind(PlanRequest request) {
    this.request = request;
  }

  boolean bound() {
    return request != null;
  }

  /**
   * The plan as it would run now. A plan that cannot be read (a service that does not answer) is
   * a plan of its own that says so: votes for it lapse once the plan can be read again.
   */
  Plan read() {
    return read(Workflow.newActivityStub(PlanActivities.class, run.summary(ActivityCatalog.QUICK, "Read the plan")));
  }

  private Plan read(PlanActivities plans) {
    try {
      return plans.plan(request);
    } catch (ActivityFailure f) {
      String why = f.getCause() == null ? f.getMessage() : f.getCause().getMessage();
      return new Plan(List.of("the plan could not be read: " + why), "unreadable-" + Integer.toHexString(why.hashCode()));
    }
  }

  /**
   * Reads the plan again once approved. When it changed (another running version, a newer backup,
   * another configured command), the approval lapses: the votes no longer count, the run waits
   * again and the approvers are asked again, told what changed.
   */
  boolean stillHolds(ApprovalState a) {
    Plan now = run.bookkeepingBehind
        ? read(Workflow.newLocalActivityStub(PlanActivities.class, LocalActivityOptions.newBuilder(
            ActivityCatalog.QUICK_LOCAL).setSummary("Read the plan again").build()))
        : read();
    if (now.hash().equals(a.plan.hash())) {
      return true;
    }
    String because = changes(a.plan, now);
    List<String> approvers = List.copyOf(a.approvedBy);
    Plan before = a.plan;
    a.plan = now;
    a.lapses++;
    a.lapsedBecause = because;
    a.approvedBy.clear();
    a.status = ApprovalState.Status.OPEN;
    a.round++;
    run.action("runbook", "approval lapsed", "approved by " + String.join(", ", approvers) + " for plan "
        + before.shortHash() + "; the plan changed: " + because);
    journal.audit(AuditEventType.APPROVAL_REQUESTED, null, "approval", "lapsed: the plan changed: " + because,
        Map.of("roles", String.join(",", a.rule.roles()), "plan", now.hash(), "lapsed", before.hash()));
    StepRecord s = run.step("approval", "Approval");
    s.detail = "waiting for " + a.rule.describe() + " (asked again: the plan changed)";
    if (run.armed == null || run.phase != Phase.ARMED) {
      run.waitingFor = "approval by " + String.join(" or ", a.rule.roles());
      run.setPhase(Phase.AWAITING_APPROVAL);
    }
    journal.notify(
        NotificationKind.APPROVAL_REQUESTED,
        Audience.APPROVERS,
        String.join(",", a.rule.roles()),
        "the approval by " + String.join(", ", approvers) + " lapsed: the plan changed since it was approved ("
            + because + "); needs " + a.rule.describe() + " again" + shown(now));
    journal.flush();
    run.refreshDetails();
    return false;
  }

  /**
   * A staged restore is measuring what it would discard: approvals wait for the figures (a
   * rejection does not).
   */
  void measuring(ApprovalState a, String why) {
    if (a != null && a.status == ApprovalState.Status.OPEN && a.plan != null) {
      a.votesWaitFor = why;
      run.refreshDetails();
    }
  }

  /**
   * What the restore discards is known (null: it could not be measured and the step was skipped):
   * the current step says it, approvers are told, and approvals count from now.
   */
  void measured(ApprovalState a, DiscardReport report) {
    String text = Shown.discards(report);
    run.detail(text);
    if (a == null) {
      return;
    }
    a.discards = report;
    a.votesWaitFor = null;
    if (a.status == ApprovalState.Status.OPEN) {
      journal.notify(
          NotificationKind.APPROVAL_REQUESTED,
          Audience.APPROVERS,
          String.join(",", a.rule.roles()),
          text + "; needs " + a.rule.describe() + (a.plan == null ? "" : " for plan " + a.plan.shortHash()));
      journal.flush();
    }
    run.refreshDetails();
  }

  /** Why an approval cannot count now: the figures are not in yet, or it names another plan. */
  Optional<RefusalKind.Refused> refusal(ApprovalState a, Vote vote) {
    if (a.votesWaitFor != null) {
      return Optional.of(new RefusalKind.Refused(RefusalKind.NOT_WAITING, "approvals wait for " + a.votesWaitFor
          + ": look at what the restore discards once it is shown (runbook status), then vote"));
    }
    if (a.plan != null && vote.planHash() != null && !vote.planHash().isBlank() && !a.plan.matches(vote.planHash())) {
      return Optional.of(new RefusalKind.Refused(RefusalKind.PLAN_CHANGED, "you looked at plan "
          + Validation.printable(vote.planHash()) + " but the run's plan is now " + a.plan.shortHash()
          + (a.lapsedBecause == null ? "" : " (" + a.lapsedBecause + ")")
          + ": look at the plan again (runbook status " + run.workflowId + ") and approve that one"));
    }
    return Optional.empty();
  }

  /** The plan as an approval request shows it: its hash, then a line per step. */
  static String shown(Plan plan) {
    StringBuilder s = new StringBuilder("\nPlan ").append(plan.shortHash()).append(" (approve this hash):");
    for (String line : plan.lines()) {
      s.append("\n  ").append(line);
    }
    return s.toString();
  }

  /** What changed from {@code before} to {@code after}, in a few lines: what went, what came. */
  static String changes(Plan before, Plan after) {
    List<String> gone = new ArrayList<>(before.lines());
    gone.removeAll(after.lines());
    List<String> came = new ArrayList<>(after.lines());
    came.removeAll(before.lines());
    List<String> parts = new ArrayList<>();
    gone.stream().limit(SHOWN_CHANGES).forEach(l -> parts.add("was: " + l));
    came.stream().limit(SHOWN_CHANGES).forEach(l -> parts.add("now: " + l));
    int more = Math.max(0, gone.size() - SHOWN_CHANGES) + Math.max(0, came.size() - SHOWN_CHANGES);
    if (more > 0) {
      parts.add(more + " more line(s)");
    }
    if (parts.isEmpty()) {
      parts.add("the same steps in another order");
    }
    return String.join("; ", parts);
  }

}
