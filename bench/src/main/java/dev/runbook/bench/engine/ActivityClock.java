package dev.runbook.bench.engine;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * When each activity started, by workflow and activity type ({@link System#nanoTime()}, this
 * process): the first start of each pair is kept. Also how long each workflow's local activities
 * ran, summed. Wraps the worker's activities.
 */
public final class ActivityClock extends WorkerInterceptorBase {
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, Long> local = new ConcurrentHashMap<>();

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
        started.putIfAbsent(key(info.getWorkflowId(), info.getActivityType()), t0);
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

  /** When {@code activityType} first started in {@code workflowId}, waiting up to {@code timeoutMs}. */
  public long awaitStart(String workflowId, String activityType, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    String key = key(workflowId, activityType);
    while (System.nanoTime() < deadline) {
      Long t = started.get(key);
      if (t != null) {
        return t;
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException(activityType + " never started in " + workflowId + " within " + timeoutMs + " ms");
  }

  /** How long the workflow's local activities ran since the last call (nanoseconds), and forgets it. */
  public long takeLocalNanos(String workflowId) {
    Long n = local.remove(workflowId);
    return n == null ? 0 : n;
  }

  /** Forgets a workflow's starts. */
  public void forget(String workflowId) {
    started.keySet().removeIf(k -> k.startsWith(workflowId + "/"));
  }

  private static String key(String workflowId, String activityType) {
    return workflowId + "/" + activityType;
  }
}
