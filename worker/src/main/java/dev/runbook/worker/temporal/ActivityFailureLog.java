package dev.runbook.worker.temporal;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.RetryOptions;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each failed activity attempt as one line a person can act on: the activity, the run, the
 * attempt, the cause and whether Temporal tries again. The stack trace goes to DEBUG only; the
 * SDK's own report of the same failure (a WARN with the whole trace, some 200 lines for a
 * command that failed) is turned off in logback.xml.
 */
public final class ActivityFailureLog extends WorkerInterceptorBase {
  private static final Logger log = LoggerFactory.getLogger(ActivityFailureLog.class);
  private static final int MAX_CAUSE = 500;

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        try {
          return super.execute(input);
        } catch (RuntimeException | Error e) {
          report(context.getInfo(), e);
          throw e;
        }
      }
    };
  }

  private static void report(ActivityInfo info, Throwable e) {
    if (e instanceof ActivityCompletionException) {
      log.info("{} for {} stopped at attempt {}: {}", info.getActivityType(), info.getWorkflowId(),
          info.getAttempt(), e.getClass().getSimpleName());
      return;
    }
    log.warn("{}", line(info, e));
    log.debug("{} for {} attempt {}: stack trace", info.getActivityType(), info.getWorkflowId(), info.getAttempt(), e);
  }

  /**
   * "ServiceDeploy failed for rollback-api (attempt 2 of 5): CAUSE [TYPE]; Temporal tries again".
   * What comes next is said only when it is known: the Java test server sends activities no retry
   * policy, so there the line ends with the cause (unless the failure itself is permanent).
   */
  static String line(ActivityInfo info, Throwable e) {
    RetryOptions retry = known(info.getRetryOptions());
    int max = retry == null ? 0 : retry.getMaximumAttempts();
    String next = next(info, retry, e);
    return info.getActivityType() + " failed for " + info.getWorkflowId() + " (attempt " + info.getAttempt()
        + (max > 0 ? " of " + max : "") + "): " + cause(e) + (next == null ? "" : "; " + next);
  }

  /**
   * The retry policy the server sent with the task, or null when it sent none. The SDK turns a
   * missing policy into defaults without a maximum interval, which a server always fills in.
   */
  private static RetryOptions known(RetryOptions retry) {
    return retry == null || retry.getMaximumInterval() == null ? null : retry;
  }

  /** The failure's own message and type, and the innermost cause when it says more. */
  static String cause(Throwable e) {
    Throwable inner = e;
    while (inner.getCause() != null && inner.getCause() != inner) {
      inner = inner.getCause();
    }
    String text;
    if (e instanceof ApplicationFailure af) {
      text = af.getOriginalMessage();
      String innermost = inner == e ? null : inner.getMessage();
      if (innermost != null && !text.contains(innermost)) {
        text += " (cause: " + inner.getClass().getSimpleName() + ": " + innermost + ")";
      }
      text = oneLine(text) + " [" + af.getType() + "]";
    } else {
      text = oneLine(inner.getClass().getSimpleName() + (inner.getMessage() == null ? "" : ": " + inner.getMessage()));
    }
    return text;
  }

  private static String next(ActivityInfo info, RetryOptions retry, Throwable e) {
    if (e instanceof ApplicationFailure af
        && (af.isNonRetryable()
            || (retry != null && retry.getDoNotRetry() != null
                && Arrays.asList(retry.getDoNotRetry()).contains(af.getType())))) {
      return "not retried: " + af.getType() + " is permanent";
    }
    if (retry == null) {
      return null;
    }
    if (retry.getMaximumAttempts() > 0 && info.getAttempt() >= retry.getMaximumAttempts()) {
      return "that was the last attempt";
    }
    return "Temporal tries again";
  }

  private static String oneLine(String s) {
    String line = s.strip().replaceAll("\\s*\\R\\s*", " / ");
    return line.length() <= MAX_CAUSE ? line : line.substring(0, MAX_CAUSE - 3) + "...";
  }
}
