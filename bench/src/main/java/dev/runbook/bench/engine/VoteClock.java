package dev.runbook.bench.engine;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.workflow.Workflow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the workflow task that takes a vote spends its time in the worker, per workflow: the
 * update's validator, its handler, and the local activities the task runs (each the first time
 * it ran for that workflow; a replay runs handlers again, which the first-time rule leaves out).
 * Wall time in this process, measured around the calls; nothing the workflow sees.
 */
public final class VoteClock extends WorkerInterceptorBase {
  /** Nanoseconds a workflow's first update validation, handling and local activities took. */
  public record Parts(long validateNanos, long handleNanos, long localNanos) {}

  private final Map<String, Long> validate = new ConcurrentHashMap<>();
  private final Map<String, Long> handle = new ConcurrentHashMap<>();
  private final Map<String, Long> local = new ConcurrentHashMap<>();

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void validateUpdate(UpdateInput input) {
        long t0 = System.nanoTime();
        try {
          super.validateUpdate(input);
        } finally {
          validate.putIfAbsent(Workflow.getInfo().getWorkflowId(), System.nanoTime() - t0);
        }
      }

      @Override
      public UpdateOutput executeUpdate(UpdateInput input) {
        long t0 = System.nanoTime();
        try {
          return super.executeUpdate(input);
        } finally {
          handle.putIfAbsent(Workflow.getInfo().getWorkflowId(), System.nanoTime() - t0);
        }
      }
    };
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        long t0 = System.nanoTime();
        try {
          return super.execute(input);
        } finally {
          if (info.isLocal()) {
            local.merge(info.getWorkflowId(), System.nanoTime() - t0, Long::sum);
          }
        }
      }
    };
  }

  /** What the workflow's vote took, and forgets it; zeros for what did not run. */
  public Parts take(String workflowId) {
    Long v = validate.remove(workflowId);
    Long h = handle.remove(workflowId);
    Long l = local.remove(workflowId);
    return new Parts(v == null ? 0 : v, h == null ? 0 : h, l == null ? 0 : l);
  }
}
