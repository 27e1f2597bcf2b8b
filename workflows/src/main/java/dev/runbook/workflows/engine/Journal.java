package dev.runbook.workflows.engine;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.AuditActivities;
import dev.runbook.workflows.activities.AuditActivities.AuditBatch;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.RunbookRequest;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What a run tells the world: events for the rollback log (batched, sent again after a failed
 * write) and messages to people. Neither may ever hold up a rollback. A child run does neither;
 * its parent speaks for it.
 */
final class Journal {
  private static final Logger log = Workflow.getLogger(Journal.class);

  private final RunbookEngine.Mode mode;
  private final RunState run;
  private final List<AuditEvent> pending = new ArrayList<>();
  private long seq;
  private long flushedUpTo;
  private int notifySeq;
  private boolean writingBehind;
  /** The last message sent behind the run, in runs that keep their order (version 2), else null. */
  private Promise<Void> messageBehind;

  Journal(RunbookEngine.Mode mode, RunState run) {
    this.mode = mode;
    this.run = run;
  }

  /** Queues one event for the rollback log; {@link #flush} writes it. */
  void audit(AuditEventType type, String actor, String step, String detail, Map<String, String> data) {
    if (mode == RunbookEngine.Mode.CHILD) {
      return;
    }
    pending.add(new AuditEvent(++seq, type, run.now(), actor, step, detail, data));
  }

  /** What Temporal UI shows for a write of {@code batch}: "rollback log: step succeeded, step started". */
  static String summary(List<AuditEvent> batch) {
    return "rollback log: " + batch.stream()
        .map(e -> e.type().name().toLowerCase(Locale.ROOT).replace('_', ' '))
        .distinct()
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * Writes pending events to the rollback log. A failure keeps them for the next flush: the log
   * must never hold up a rollback. Safe to run from handler threads: every event carries its own
   * sequence number, and the store ignores one it already has.
   */
  void flush() {
    if (mode == RunbookEngine.Mode.CHILD || pending.isEmpty()) {
      return;
    }
    if (writingBehind) {
      // One write at a time: the one behind the run first (only runs that write behind get here).
      Workflow.await(() -> !writingBehind);
    }
    write();
  }

  private void write() {
    if (pending.isEmpty()) {
      return;
    }
    List<AuditEvent> batch = List.copyOf(pending);
    long last = batch.get(batch.size() - 1).seq();
    RunbookRequest request = run.request;
    try {
      Workflow.newActivityStub(AuditActivities.class, bookkeeping(ActivityCatalog.AUDIT, summary(batch)))
          .record(new AuditBatch(run.workflowId, run.runId, request.runbook(), batch));
      flushedUpTo = Math.max(flushedUpTo, last);
      pending.removeIf(e -> e.seq() <= flushedUpTo);
    } catch (ActivityFailure f) {
      if (Failures.isCancellation(f)) {
        throw f;
      }
      log.warn(
          "{}: rollback log write failed, kept {} events for the next try: {}",
          run.workflowId, batch.size(), Failures.describe(f));
    }
  }

  /**
   * The options of a log write or a message. In runs whose bookkeeping goes behind them, a run
   * that is cancelled abandons one in flight rather than cancelling it: it finishes on its own (a
   * message is sent, a write is ignored when its events are written again at the end), and no
   * cancellation races its completion.
   */
  private ActivityOptions bookkeeping(ActivityOptions options, String summary) {
    ActivityOptions o = run.summary(options, summary);
    return run.bookkeepingBehind
        ? ActivityOptions.newBuilder(o).setCancellationType(ActivityCancellationType.ABANDON).build()
        : o;
  }

  /**
   * Writes pending events behind the run: the caller goes on at once. One write is in flight at a
   * time (a flush waits for it); events queued meanwhile go with the next flush, or, from version
   * 2, with a write right after it. A failed write
   * keeps its events for the next one, a cancelled run still finishes its write, and the end of
   * the run flushes, so nothing is lost. Runs recorded before {@link Versions#BOOKKEEPING_BEHIND}
   * wait for each write.
   */
  void flushBehind() {
    if (mode == RunbookEngine.Mode.CHILD || pending.isEmpty()) {
      return;
    }
    if (!run.bookkeepingBehind) {
      flush();
      return;
    }
    if (writingBehind) {
      return;
    }
    writingBehind = true;
    Async.procedure(() -> Workflow.newDetachedCancellationScope(() -> {
      try {
        long before;
        do {
          before = flushedUpTo;
          write();
          // From version 2, events queued during the write follow it at once (a run waiting for
          // votes may not flush again for hours); a write that failed waits for the next flush.
        } while (run.askingBehind && !pending.isEmpty() && flushedUpTo > before);
      } finally {
        writingBehind = false;
      }
    }).run());
  }

  /**
   * Sends a message behind the run (see {@link #flushBehind}), to the end even when the run is
   * cancelled meanwhile; runs recorded before {@link Versions#BOOKKEEPING_BEHIND} wait for it.
   * From version 2 messages behind the run go out one at a time, in the order they were sent.
   */
  void notifyBehind(NotificationKind kind, Audience audience, String target, String detail) {
    if (mode == RunbookEngine.Mode.CHILD) {
      return;
    }
    if (!run.bookkeepingBehind) {
      notify(kind, audience, target, detail);
      return;
    }
    Promise<Void> before = messageBehind;
    Promise<Void> sent = Async.procedure(() -> Workflow.newDetachedCancellationScope(() -> {
      afterMessagesBehind(before);
      send(kind, audience, target, detail, null, null);
    }).run());
    if (run.askingBehind) {
      messageBehind = sent;
    }
  }

  /** Waits until {@code before}, a message sent behind the run, is out (null: nothing to wait for). */
  private static void afterMessagesBehind(Promise<Void> before) {
    if (before != null && !before.isCompleted()) {
      Workflow.await(before::isCompleted);
    }
  }

  /** Flushes from a handler without making the caller wait for the log. */
  void flushSoon() {
    if (mode == RunbookEngine.Mode.RUNBOOK && run.request != null) {
      Async.procedure(this::flush);
    }
  }

  /**
   * Tells the release ledger that the run deployed {@code version} (moving away from {@code
   * from}, which becomes rolled back from), through the rollback log: the event goes with the
   * next batch and adds no command to the run's history. A dry run deploys nothing.
   *
   * @param source "rollback", or "compensation" when the run undoes its own deploy
   * @param config the configuration snapshot the service runs with from now on, or null
   * @param configFrom the configuration snapshot the run moved away from (the ledger marks it
   *     rolled back from), or null
   */
  void released(String service, String version, String from, String schema, boolean forced, String source,
      String config, String configFrom) {
    if (run.request.dryRun() || version == null) {
      return;
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("service", service);
    d.put("version", version);
    if (from != null) {
      d.put("from", from);
    }
    if (schema != null) {
      d.put("schema", schema);
    }
    d.put("source", source);
    d.put("by", run.request.requestedBy());
    d.put("forced", Boolean.toString(forced));
    if (config != null) {
      d.put("config", config);
    }
    if (configFrom != null && !configFrom.equals(config)) {
      d.put("configFrom", configFrom);
    }
    audit(AuditEventType.RELEASE_DEPLOYED, run.request.requestedBy(), run.currentStepId(), run.request.reason(), d);
  }

  /** Tells the release ledger that {@code version} passed the run's checks on {@code service}. */
  void verified(String service, String version) {
    if (run.request.dryRun() || version == null) {
      return;
    }
    audit(AuditEventType.RELEASE_VERIFIED, null, run.currentStepId(), version + " verified healthy",
        Map.of("service", service, "version", version));
  }

  /** Sends a message; a message that cannot be delivered is recorded and never stops the run. */
  void notify(NotificationKind kind, Audience audience, String target, String detail) {
    notify(kind, audience, target, detail, null);
  }

  /** @param options what an operator may decide, for a NEEDS_DECISION message; null otherwise */
  void notify(
      NotificationKind kind, Audience audience, String target, String detail, List<DecisionAction> options) {
    notify(kind, audience, target, detail, options, null);
  }

  /** @param armed the fix-forward window, for an ARMED message; null otherwise */
  void notify(NotificationKind kind, Audience audience, String target, String detail, List<DecisionAction> options,
      Armed armed) {
    if (mode == RunbookEngine.Mode.CHILD) {
      return;
    }
    // A message the run waits for goes after those sent behind it, never before them.
    afterMessagesBehind(messageBehind);
    send(kind, audience, target, detail, options, armed);
  }

  /** Sends a message now, after nothing: {@link #notify} and {@link #notifyBehind} say when. */
  private void send(NotificationKind kind, Audience audience, String target, String detail,
      List<DecisionAction> options, Armed armed) {
    RunbookRequest request = run.request;
    String key =
        run.workflowId + "/" + run.runId + "/" + (++notifySeq) + "-" + kind.name().toLowerCase(Locale.ROOT);
    Notification n =
        new Notification(
            key,
            kind,
            audience,
            target,
            run.workflowId,
            request.runbook(),
            request.severity(),
            request.services(),
            request.reason(),
            request.requestedBy(),
            request.incidentId(),
            detail,
            run.elapsed(),
            run.eta,
            request.dryRun(),
            options,
            armed);
    try {
      run.note(
          Workflow.newActivityStub(
                  NotifyActivities.class,
                  bookkeeping(ActivityCatalog.NOTIFY, "notify " + kind.name().toLowerCase(Locale.ROOT)))
              .send(n));
    } catch (ActivityFailure f) {
      if (Failures.isCancellation(f)) {
        throw f;
      }
      String why = Failures.describe(f);
      run.action("runbook", "notification failed", kind.name() + ": " + why);
      audit(AuditEventType.NOTIFICATION_FAILED, null, run.currentStepId(), why, Map.of("kind", kind.name()));
    }
  }
}
