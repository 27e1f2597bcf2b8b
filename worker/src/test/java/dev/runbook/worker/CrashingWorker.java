package dev.runbook.worker;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The product's worker ({@code runbook worker}) with a crash point: at the moment named by
 * {@code RUNBOOK_CRASH} it sends SIGKILL to its own process, as the kernel or an operator would.
 *
 * <ul>
 *   <li>{@code boundary:TYPE}: when a workflow schedules activity TYPE at a point where no worker
 *       was killed before (with TYPE = AuditRecord: at step boundaries, since a step's end is
 *       written to the rollback log, behind the run, by a new write unless one is in flight).
 *       Points already used are kept in the file named by
 *       {@code RUNBOOK_CRASH_LEDGER}, so each point is hit once and the run makes progress;
 *   <li>{@code boundary:TYPE:K}: the same at every K-th scheduling of TYPE only (the 1st, the
 *       K+1-th...), for a shorter run of the same scenario;
 *   <li>{@code after:TYPE:N}: after the N-th execution of activity TYPE did its work, before
 *       Temporal hears of it (the retry on another worker must not do the work twice);
 *   <li>{@code during:TYPE:MILLIS}: MILLIS after activity TYPE started (mid-step);
 *   <li>{@code none}: no crash.
 * </ul>
 */
public final class CrashingWorker {
  private CrashingWorker() {}

  public static void main(String[] args) throws Exception {
    String spec = System.getenv().getOrDefault("RUNBOOK_CRASH", "none");
    Settings settings = Settings.load(Path.of(args[0]));
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    out.println("crash point: " + spec);
    String ledger = System.getenv().getOrDefault("RUNBOOK_CRASH_LEDGER", "");
    int code = Processes.WorkerCommand.run(settings, out, err, List.of(new CrashPoint(spec, ledger)));
    System.exit(code);
  }

  static void sigkillSelf(String why) {
    System.out.println("SIGKILL " + why);
    System.out.flush();
    try {
      new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
      Thread.sleep(60_000);
    } catch (Exception e) {
      Runtime.getRuntime().halt(137);
    }
  }

  static final class CrashPoint extends WorkerInterceptorBase {
    private final String kind;
    private final String type;
    private final long n;
    /** For a boundary point: kill at every {@code every}-th scheduling of the type. */
    private final int every;
    private final Path ledger;
    private final ConcurrentHashMap<String, AtomicInteger> executed = new ConcurrentHashMap<>();

    CrashPoint(String spec, String ledger) {
      String[] parts = spec.split(":");
      kind = parts[0];
      type = kind.equals("boundary") ? parts[1] : parts.length > 2 ? parts[1] : null;
      n = kind.equals("boundary") || parts.length < 2 ? 0 : Long.parseLong(parts[parts.length - 1]);
      every = kind.equals("boundary") && parts.length > 2 ? Integer.parseInt(parts[2]) : 1;
      this.ledger = ledger.isEmpty() ? null : Path.of(ledger);
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      if (!kind.equals("boundary")) {
        return next;
      }
      return new WorkflowInboundCallsInterceptorBase(next) {
        // Counts every scheduling of TYPE in this run, replayed ones too, so a point has the same
        // number on every worker that replays the run.
        private int seen;

        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
            @Override
            public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
              if (input.getActivityName().equals(type)) {
                seen++;
                var info = Workflow.getInfo();
                String point = info.getWorkflowId() + "/" + info.getRunId() + "/" + type + "#" + seen;
                if ((seen - 1) % every == 0 && !Workflow.isReplaying() && firstTime(point)) {
                  sigkillSelf("at step boundary " + point);
                }
              }
              return super.executeActivity(input);
            }
          });
        }
      };
    }

    /** Records the point in the ledger; true when no worker was killed there before. */
    private synchronized boolean firstTime(String point) {
      try {
        java.nio.file.Files.createDirectories(ledger.getParent());
        if (java.nio.file.Files.exists(ledger) && java.nio.file.Files.readAllLines(ledger).contains(point)) {
          return false;
        }
        java.nio.file.Files.writeString(ledger, point + "\n", java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.SYNC);
        return true;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      if (kind.equals("boundary") || kind.equals("none")) {
        return next;
      }
      return new ActivityInboundCallsInterceptorBase(next) {
        private String activity;

        @Override
        public void init(io.temporal.activity.ActivityExecutionContext context) {
          activity = context.getInfo().getActivityType();
          super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
          if (!activity.equals(type)) {
            return super.execute(input);
          }
          if (kind.equals("during")) {
            Thread killer = new Thread(() -> {
              try {
                Thread.sleep(n);
                sigkillSelf("during " + activity + " after " + n + " ms");
              } catch (InterruptedException done) {
                Thread.currentThread().interrupt();
              }
            });
            killer.setDaemon(true);
            killer.start();
            try {
              return super.execute(input);
            } finally {
              killer.interrupt();
            }
          }
          ActivityOutput result = super.execute(input);
          if (kind.equals("after") && executed.computeIfAbsent(activity, k -> new AtomicInteger()).incrementAndGet() == n) {
            sigkillSelf("after " + activity + " did its work, before reporting it");
          }
          return result;
        }
      };
    }
  }
}
