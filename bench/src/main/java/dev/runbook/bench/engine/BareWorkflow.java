package dev.runbook.bench.engine;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

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
}
