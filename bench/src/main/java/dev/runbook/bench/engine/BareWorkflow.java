package dev.runbook.bench.engine;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The floor: a bare Temporal workflow that runs {@code activities} no-op activities one after the
 * other, nothing else. With {@code gateAfter} >= 0 it waits after that many activities for the
 * {@code go} update (as a runbook waits for its approval), then runs the rest.
 */
@WorkflowInterface
public interface BareWorkflow {
  @WorkflowMethod
  int run(int activities, int gateAfter);

  @UpdateMethod
  void go();

  /** Whether the run waits for {@code go}. */
  @QueryMethod
  boolean waiting();

  /** The no-op activity. */
  @ActivityInterface(namePrefix = "Bare")
  interface Steps {
    int noop(int step);

    /** The same no-op, under another name: the activities after the gate. */
    int next(int step);
  }

  /** It does nothing and returns its argument. */
  final class NoopSteps implements Steps {
    @Override
    public int noop(int step) {
      return step;
    }

    @Override
    public int next(int step) {
      return step;
    }
  }

  final class Impl implements BareWorkflow {
    private final Steps steps = Workflow.newActivityStub(Steps.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
    private boolean go;
    private boolean waiting;

    @Override
    public int run(int activities, int gateAfter) {
      int sum = 0;
      for (int i = 0; i < activities; i++) {
        if (i == gateAfter) {
          waiting = true;
          Workflow.await(() -> go);
          waiting = false;
        }
        sum += gateAfter >= 0 && i >= gateAfter ? steps.next(i) : steps.noop(i);
      }
      return sum;
    }

    @Override
    public void go() {
      go = true;
    }

    @Override
    public boolean waiting() {
      return waiting;
    }
  }
}
