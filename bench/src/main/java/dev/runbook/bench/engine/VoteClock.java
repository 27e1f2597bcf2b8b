package dev.runbook.bench.engine;

import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.workflow.Workflow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How long a workflow's first update took in the worker: its validator and its handler (the
 * first time each ran for that workflow; a replay runs handlers again, which the first-time rule
 * leaves out). Wall time in this process, measured around the calls; nothing the workflow sees.
 * The local activities of the same task are timed by {@link ActivityClock} where they run; here,
 * from the workflow's call to the moment its thread has the result (the SDK's round trip).
 */
public final class VoteClock extends WorkerInterceptorBase {
  /** Nanoseconds a workflow's first update validation and handling took. */
  public record Parts(long validateNanos, long handleNanos, long localRoundTripNanos) {}

  private final Map<String, Long> validate = new ConcurrentHashMap<>();
  private final Map<String, Long> handle = new ConcurrentHashMap<>();
  private final Map<String, Long> localRoundTrips = new ConcurrentHashMap<>();

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outbound) {
        super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
          @Override
          public <R> LocalActivityOutput<R> executeLocalActivity(LocalActivityInput<R> input) {
            long t0 = System.nanoTime();
            String id = Workflow.getInfo().getWorkflowId();
            LocalActivityOutput<R> out = super.executeLocalActivity(input);
            out.getResult().handle((r, failure) -> {
              if (!Workflow.isReplaying()) {
                localRoundTrips.merge(id, System.nanoTime() - t0, Long::sum);
              }
              return null;
            });
            return out;
          }
        });
      }

      @Override
      public void validateUpdate(UpdateInput input) {
        timed(validate, () -> {
          super.validateUpdate(input);
          return null;
        });
      }

      @Override
      public UpdateOutput executeUpdate(UpdateInput input) {
        return timed(handle, () -> super.executeUpdate(input));
      }
    };
  }

  private static <T> T timed(Map<String, Long> into, Supplier<T> call) {
    long t0 = System.nanoTime();
    try {
      return call.get();
    } finally {
      into.putIfAbsent(Workflow.getInfo().getWorkflowId(), System.nanoTime() - t0);
    }
  }

  /** What the workflow's update took, and forgets it; zeros for what did not run. */
  public Parts take(String workflowId) {
    Long v = validate.remove(workflowId);
    Long h = handle.remove(workflowId);
    Long l = localRoundTrips.remove(workflowId);
    return new Parts(v == null ? 0 : v, h == null ? 0 : h, l == null ? 0 : l);
  }
}
