package dev.runbook.bench.approve;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.bench.engine.Checkout;
import dev.runbook.bench.engine.Rig;
import dev.runbook.bench.engine.Server;
import dev.runbook.bench.engine.TaskClock;
import dev.runbook.bench.engine.VoteClock;
import dev.runbook.workflows.model.Severity;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * From the approve update returning (and from its sending) to the next step's activity starting: a P1 emergency rollback
 * parked at its approval gate, approved by alice, until its deploy activity starts; against a bare
 * workflow parked on {@code Workflow.await}, its {@code go} update, until its next activity starts.
 * Both times are read in this process ({@link System#nanoTime()}): the client's after the update
 * returned, the worker's interceptor's when the activity began.
 */
public final class ApproveLatency implements Measure {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "approve-latency";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    List<String> kinds = mode == Mode.QUICK ? List.of("embedded") : Server.kinds(Checkout.root());
    List<Comparison> rows = new ArrayList<>();
    for (String kind : kinds) {
      try (Server server = Server.start(kind); Rig rig = Rig.start(server.address())) {
        rows.addAll(measure(mode, server, rig));
      }
    }
    return rows;
  }

  /**
   * Two rows per server: from the update's answer (the measure; the bare figure is about
   * zero, its activity often starting before the client has the answer, so the ratio is noise) and
   * from the update's sending (what the approver waits through: its round trip is in both).
   */
  private List<Comparison> measure(Mode mode, Server server, Rig rig) throws Exception {
    int warmup = mode.pick(1, 5);
    int runs = mode.pick(3, 20);
    for (int i = 0; i < warmup; i++) {
      ours(rig);
      bare(rig);
    }
    List<Double> oursReturned = new ArrayList<>();
    List<Double> theirsReturned = new ArrayList<>();
    List<Double> oursSent = new ArrayList<>();
    List<Double> theirsSent = new ArrayList<>();
    parts.clear();
    localNanos.clear();
    oursTasks.clear();
    bareTasks.clear();
    for (int i = 0; i < runs; i++) {
      Times o = ours(rig);
      Times t = bare(rig);
      oursReturned.add(o.fromReturned());
      oursSent.add(o.fromSent());
      theirsReturned.add(t.fromReturned());
      theirsSent.add(t.fromSent());
    }
    List<String> between = rig.activitiesAfterUpdate(last, Rig.DEPLOY);
    String how = "on " + server.describe() + ": a P1 emergency rollback (FakeWorld's adapters) waits at its approval"
        + " gate (its status query says votes count, the approvers' message was sent, and nothing of the run is pending on"
        + " the server, no activity and no workflow task, as when a person answers seconds later); alice's approve update is"
        + " sent and the clock runs, from its sending or from its answer, until the rollback's deploy activity ("
        + Rig.DEPLOY + ") starts in the worker; the bare workflow runs one no-op activity, waits on Workflow.await for"
        + " its go update (sent once nothing of it is pending either), then runs another (" + Rig.BARE_NEXT + "). Times from System.nanoTime in one JVM (client"
        + " and workers together); a negative figure means the activity started before the client saw the update's"
        + " answer. Between the approval and the deploy the rollback's history schedules "
        + (between.isEmpty() ? "no other activity" : between.size() + " other activities before it: "
            + String.join(", ", between)) + ". " + warmup + " warm-up runs of each, then " + runs
        + " of each, alternating. In the worker, the task that took the vote spent (median of the measured runs) "
        + partsText() + ". The last approved run's history, from the workflow task that took the vote"
        + " (server clock): " + UpdateTimeline.of(rig.client().fetchHistory(last.getExecution().getWorkflowId())
            .getHistory(), Rig.DEPLOY) + ".";
    return List.of(
        new Comparison("approve-latency, " + server.kind() + " server: approve returned -> next step started",
            Samples.of("ms", oursReturned), "bare workflow: update returned -> next activity started",
            Samples.of("ms", theirsReturned), Target.ratioAtMost(2), how),
        new Comparison("approve-latency, " + server.kind() + " server: approve sent -> next step started",
            Samples.of("ms", oursSent), "bare workflow: update sent -> next activity started",
            Samples.of("ms", theirsSent), Target.ratioAtMost(2), how));
  }

  /** Milliseconds from the update's sending and from its answer to the next activity's start. */
  private record Times(double fromSent, double fromReturned) {
    static Times of(long sent, long returned, long started) {
      return new Times((started - sent) / 1e6, (started - returned) / 1e6);
    }
  }

  private WorkflowStub last;
  private final List<VoteClock.Parts> parts = new ArrayList<>();
  private final List<Long> localNanos = new ArrayList<>();
  private final List<TaskClock.Parts> oursTasks = new ArrayList<>();
  private final List<TaskClock.Parts> bareTasks = new ArrayList<>();

  /** The medians of the vote task's parts, in milliseconds. */
  private String partsText() {
    return String.format(java.util.Locale.ROOT, "%.2f ms in the update's validator, %.2f ms in its handler,"
            + " %.2f ms in local activities (the plan read again once approved), %.2f ms from the workflow's call of"
            + " those local activities to its thread having their result",
        median(parts.stream().mapToLong(VoteClock.Parts::validateNanos)),
        median(parts.stream().mapToLong(VoteClock.Parts::handleNanos)),
        median(localNanos.stream().mapToLong(Long::longValue)),
        median(parts.stream().mapToLong(VoteClock.Parts::localRoundTripNanos)))
        + "; by the SDK's own timers, from the sending to the next activity's start, the worker spent "
        + tasksText(oursTasks) + " (the bare workflow's worker " + tasksText(bareTasks) + ")";
  }

  private static String tasksText(List<TaskClock.Parts> tasks) {
    return String.format(java.util.Locale.ROOT, "%.2f ms over %d workflow task(s) and waited %.2f ms for the"
            + " server to take their completion",
        median(tasks.stream().mapToLong(TaskClock.Parts::workerNanos)),
        tasks.stream().mapToInt(TaskClock.Parts::tasks).sorted().skip(tasks.size() / 2).findFirst().orElse(0),
        median(tasks.stream().mapToLong(TaskClock.Parts::respondNanos)));
  }

  private static double median(java.util.stream.LongStream nanos) {
    long[] sorted = nanos.sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2] / 1e6;
  }

  private Times ours(Rig rig) throws Exception {
    WorkflowStub run = rig.startRunbook(Severity.P1);
    last = run;
    rig.awaitAsked(run, TIMEOUT);
    rig.awaitQuiet(run, TIMEOUT);
    String id = run.getExecution().getWorkflowId();
    rig.votes().take(id);
    rig.clock().takeLocalNanos(id);
    rig.tasks().take(Rig.RUNBOOK_QUEUE);
    long sent = System.nanoTime();
    Rig.approve(run);
    long returned = System.nanoTime();
    long started = rig.clock().awaitStart(id, Rig.DEPLOY, TIMEOUT.toMillis());
    oursTasks.add(rig.tasks().take(Rig.RUNBOOK_QUEUE));
    parts.add(rig.votes().take(id));
    localNanos.add(rig.clock().takeLocalNanos(id));
    rig.await(run, TIMEOUT);
    rig.clock().forget(run.getExecution().getWorkflowId());
    return Times.of(sent, returned, started);
  }

  private Times bare(Rig rig) throws Exception {
    WorkflowStub run = rig.startBare(2, 1);
    Rig.awaitGate(run, TIMEOUT);
    rig.awaitQuiet(run, TIMEOUT);
    rig.tasks().take(Rig.BARE_QUEUE);
    long sent = System.nanoTime();
    run.update("go", Void.class);
    long returned = System.nanoTime();
    long started = rig.clock().awaitStart(run.getExecution().getWorkflowId(), Rig.BARE_NEXT, TIMEOUT.toMillis());
    bareTasks.add(rig.tasks().take(Rig.BARE_QUEUE));
    rig.await(run, TIMEOUT);
    rig.clock().forget(run.getExecution().getWorkflowId());
    return Times.of(sent, returned, started);
  }
}
