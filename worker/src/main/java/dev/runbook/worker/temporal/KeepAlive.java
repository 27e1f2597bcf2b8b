package dev.runbook.worker.temporal;

import com.uber.m3.tally.Scope;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.common.CancellationToken;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats for every running activity that has a heartbeat timeout, once a second, from this
 * worker's own thread, whatever the activity is doing (a JDBC call, an HTTP probe, a step that
 * never heartbeats itself). A heartbeat here means "the worker running this step is alive": so
 * the heartbeat timeout can be short, and a step whose worker dies moves to another worker within
 * seconds. A hung step is still ended by its start-to-close timeout. The details sent are the
 * step's own last progress, so what Temporal UI shows stays the step's; a step that heartbeated
 * within the last second is left alone.
 */
final class KeepAlive extends WorkerInterceptorBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);
  static final Duration EVERY = Duration.ofSeconds(1);

  private final ScheduledExecutorService beats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "runbook-keepalive");
            t.setDaemon(true);
            return t;
          });

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private Recording context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = new Recording(context);
        super.init(this.context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ScheduledFuture<?> beating = start(context);
        try {
          return super.execute(input);
        } finally {
          if (beating != null) {
            beating.cancel(false);
          }
        }
      }
    };
  }

  private ScheduledFuture<?> start(Recording context) {
    ActivityInfo info = context == null ? null : context.getInfo();
    if (info == null || info.isLocal() || info.getHeartbeatTimeout().isZero()) {
      return null;
    }
    long every = Math.min(EVERY.toMillis(), Math.max(100, info.getHeartbeatTimeout().toMillis() / 4));
    Runnable beat =
        () -> {
          try {
            context.keepAlive(every);
          } catch (ActivityCompletionException ended) {
            // cancelled, timed out or the worker is stopping: the step's own thread hears of it
          } catch (RuntimeException e) {
            log.debug("keep-alive heartbeat of {} failed: {}", info.getActivityType(), e.toString());
          }
        };
    return beats.scheduleAtFixedRate(beat, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    beats.shutdownNow();
  }

  /** The activity's context, remembering what it last reported and when. */
  static final class Recording implements ActivityExecutionContext {
    private final ActivityExecutionContext context;
    private volatile Object last;
    private volatile long lastAt = System.nanoTime() - TimeUnit.HOURS.toNanos(1);

    Recording(ActivityExecutionContext context) {
      this.context = context;
    }

    /** Sends the last progress again unless the activity itself reported within {@code millis}. */
    void keepAlive(long millis) {
      if (System.nanoTime() - lastAt >= TimeUnit.MILLISECONDS.toNanos(millis)) {
        context.heartbeat(last);
      }
    }

    @Override
    public <V> void heartbeat(V details) throws ActivityCompletionException {
      last = details;
      lastAt = System.nanoTime();
      context.heartbeat(details);
    }

    @Override
    public ActivityInfo getInfo() {
      return context.getInfo();
    }

    @Override
    public <V> Optional<V> getHeartbeatDetails(Class<V> detailsClass) {
      return context.getHeartbeatDetails(detailsClass);
    }

    @Override
    public <V> Optional<V> getHeartbeatDetails(Class<V> detailsClass, Type detailsGenericType) {
      return context.getHeartbeatDetails(detailsClass, detailsGenericType);
    }

    @Override
    public <V> Optional<V> getLastHeartbeatDetails(Class<V> detailsClass) {
      return context.getLastHeartbeatDetails(detailsClass);
    }

    @Override
    public <V> Optional<V> getLastHeartbeatDetails(Class<V> detailsClass, Type detailsGenericType) {
      return context.getLastHeartbeatDetails(detailsClass, detailsGenericType);
    }

    @Override
    public byte[] getTaskToken() {
      return context.getTaskToken();
    }

    @Override
    public CancellationToken<ActivityCanceledException> getCancellationToken() {
      return context.getCancellationToken();
    }

    @Override
    public void doNotCompleteOnReturn() {
      context.doNotCompleteOnReturn();
    }

    @Override
    public boolean isDoNotCompleteOnReturn() {
      return context.isDoNotCompleteOnReturn();
    }

    @Override
    public boolean isUseLocalManualCompletion() {
      return context.isUseLocalManualCompletion();
    }

    @Override
    public ManualActivityCompletionClient useLocalManualCompletion() {
      return context.useLocalManualCompletion();
    }

    @Override
    public Scope getMetricsScope() {
      return context.getMetricsScope();
    }

    @Override
    public WorkflowClient getWorkflowClient() {
      return context.getWorkflowClient();
    }

    @Override
    public Object getInstance() {
      return context.getInstance();
    }
  }
}
