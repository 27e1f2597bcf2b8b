package dev.runbook.starter;

import java.util.function.Supplier;

/** Waiting in tests for something a workflow does on its own time, polled every 100 ms for up to 20 s. */
public final class Await {
  private Await() {}

  /**
   * The first value {@code value} gives that is not null; a value that throws counts as not there
   * yet (a workflow whose first task has not run cannot answer a query).
   *
   * @param what what is waited for, for the failure's message
   */
  public static <T> T until(String what, Supplier<T> value) {
    RuntimeException last = null;
    for (int i = 0; i < 200; i++) {
      try {
        T v = value.get();
        if (v != null) {
          return v;
        }
      } catch (RuntimeException notYet) {
        last = notYet;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("never came: " + what, last);
  }

  /** The drill's progress once it starts with {@code prefix} ("waiting for"). */
  public static String drillProgress(io.temporal.client.WorkflowClient client, String drillId, String prefix) {
    return until(drillId + " at '" + prefix + "'", () -> {
      String progress = client.newUntypedWorkflowStub(drillId)
          .query(dev.runbook.workflows.DrillWorkflow.PROGRESS, String.class);
      return progress.startsWith(prefix) ? progress : null;
    });
  }
}
