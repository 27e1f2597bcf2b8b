package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.StepState;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a run undoes what it did. Compensations are registered before the step they undo and run
 * newest first when an operator chooses compensate; cleanups run whenever the run ends without
 * success (dropping a staging database). Both run where a cancel cannot interrupt them.
 */
final class Saga {
  private final RunState run;
  private final Journal journal;
  private final List<Undo> compensations = new ArrayList<>();
  private final Map<String, Undo> cleanups = new LinkedHashMap<>();

  Saga(RunState run, Journal journal) {
    this.run = run;
    this.journal = journal;
  }

  void compensation(String undoes, String title, Runnable action) {
    compensations.add(new Undo(undoes, title, action));
  }

  void cleanup(String id, String title, Runnable action) {
    cleanups.put(id, new Undo(id, title, action));
  }

  void cancelCleanup(String id) {
    cleanups.remove(id);
  }

  boolean canCompensate() {
    return !compensations.isEmpty();
  }

  /** Runs the compensations newest first, in a scope that a cancel cannot interrupt. */
  RunEnded compensate(String by) {
    run.setPhase(Phase.COMPENSATING);
    run.action(by, "compensate", compensations.size() + " compensation(s)");
    List<String> failed = new ArrayList<>();
    Workflow.newDetachedCancellationScope(
            () -> {
              for (int i = compensations.size() - 1; i >= 0; i--) {
                Undo c = compensations.get(i);
                StepRecord s = run.step("compensate-" + c.id, c.title);
                s.attempts++;
                s.state = StepState.RUNNING;
                s.startedAt = run.now();
                run.current = s;
                run.refreshDetails();
                try {
                  c.action.run();
                  s.state = StepState.SUCCEEDED;
                  StepRecord undone = run.existingStep(c.id);
                  if (undone != null && undone.state == StepState.SUCCEEDED) {
                    undone.state = StepState.COMPENSATED;
                  }
                } catch (TemporalFailure f) {
                  s.state = StepState.FAILED;
                  s.error = Failures.describe(f);
                  failed.add(s.id + " (" + s.error + ")");
                }
                s.finishedAt = run.now();
                journal.audit(
                    s.state == StepState.SUCCEEDED
                        ? AuditEventType.STEP_SUCCEEDED
                        : AuditEventType.STEP_FAILED,
                    by,
                    s.id,
                    s.error,
                    s.auditData());
                journal.flush();
              }
            })
        .run();
    if (!failed.isEmpty()) {
      return new RunEnded(
          Phase.FAILED,
          "compensation incomplete, manual action needed: " + String.join("; ", failed));
    }
    return new RunEnded(
        Phase.COMPENSATED,
        "compensated by " + by + ": " + String.join(", ", compensations.stream().map(c -> c.title).toList()));
  }

  /** Runs every registered cleanup once; a failed cleanup is recorded and does not stop the rest. */
  void runCleanups() {
    for (Undo c : List.copyOf(cleanups.values())) {
      try {
        c.action.run();
        run.action("runbook", "cleanup", c.title);
      } catch (TemporalFailure f) {
        run.action("runbook", "cleanup failed", c.title + ": " + Failures.describe(f));
      }
    }
    cleanups.clear();
  }

  private record Undo(String id, String title, Runnable action) {}
}
