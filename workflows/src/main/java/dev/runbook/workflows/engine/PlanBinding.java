package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.PlanActivities.Plan;
import dev.runbook.workflows.activities.PlanActivities.PlanRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * What an approval approves (DESIGN §12): the plan of the steps after the gate, read by {@link
 * PlanActivities} when the run asks and again once it is approved, and the words people see for
 * it and for what changed between two plans. Workflow code: the
 * reads are activities, the rest is text.
 */
final class PlanBinding {
  /** Lines of a change shown in a message; the full plans are in the run's status. */
  private static final int SHOWN_CHANGES = 4;

  private final RunState run;
  private PlanRequest request;

  PlanBinding(RunState run) {
    this.run = run;
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
    try {
      return Workflow.newActivityStub(PlanActivities.class, run.summary(ActivityCatalog.QUICK, "Read the plan"))
          .plan(request);
    } catch (ActivityFailure f) {
      String why = f.getCause() == null ? f.getMessage() : f.getCause().getMessage();
      return new Plan(List.of("the plan could not be read: " + why), "unreadable-" + Integer.toHexString(why.hashCode()));
    }
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
