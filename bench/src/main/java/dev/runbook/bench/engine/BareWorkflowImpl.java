package dev.runbook.bench.engine;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public final class BareWorkflowImpl implements BareWorkflow {
  private final BareActivities steps = Workflow.newActivityStub(BareActivities.class,
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
