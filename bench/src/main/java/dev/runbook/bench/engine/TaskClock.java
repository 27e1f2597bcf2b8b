package dev.runbook.bench.engine;

import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.StatsReporter;
import com.uber.m3.util.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SDK's own timers of workflow tasks, per task queue, as the worker records them (its metrics
 * scope reports each timing the moment it is taken): how long the worker took over a workflow
 * task, from its poll's answer to the completion it sends ({@code
 * temporal_workflow_task_execution_latency}), and how long the server took to answer that
 * completion ({@code temporal_request_latency} of {@code RespondWorkflowTaskCompleted}). Summed
 * between two {@link #take}s, so a measure can ask what the tasks of one step cost in the worker
 * and what in the server.
 */
public final class TaskClock implements StatsReporter {
  static final String EXECUTION = "temporal_workflow_task_execution_latency";
  static final String REQUEST = "temporal_request_latency";
  static final String RESPOND = "RespondWorkflowTaskCompleted";

  /** Nanoseconds summed since the last take: the worker's part and the server's answer to it. */
  public record Parts(long workerNanos, long respondNanos, int tasks) {}

  private final Map<String, AtomicLong[]> byQueue = new ConcurrentHashMap<>();

  @Override
  public void reportTimer(String name, Map<String, String> tags, Duration interval) {
    String queue = tags.get("task_queue");
    if (queue == null) {
      return;
    }
    AtomicLong[] sums = byQueue.computeIfAbsent(queue, q -> new AtomicLong[] {new AtomicLong(), new AtomicLong(),
        new AtomicLong()});
    if (name.equals(EXECUTION)) {
      sums[0].addAndGet(interval.getNanos());
      sums[2].incrementAndGet();
    } else if (name.equals(REQUEST) && RESPOND.equals(tags.get("operation"))) {
      sums[1].addAndGet(interval.getNanos());
    }
  }

  /** What the queue's workflow tasks took since the last take, and forgets it. */
  public Parts take(String queue) {
    AtomicLong[] sums = byQueue.get(queue);
    if (sums == null) {
      return new Parts(0, 0, 0);
    }
    return new Parts(sums[0].getAndSet(0), sums[1].getAndSet(0), (int) sums[2].getAndSet(0));
  }

  @Override
  public void reportCounter(String name, Map<String, String> tags, long value) {}

  @Override
  public void reportGauge(String name, Map<String, String> tags, double value) {}

  @Override
  public void reportHistogramValueSamples(String name, Map<String, String> tags, Buckets buckets,
      double bucketLowerBound, double bucketUpperBound, long samples) {}

  @Override
  public void reportHistogramDurationSamples(String name, Map<String, String> tags, Buckets buckets,
      Duration bucketLowerBound, Duration bucketUpperBound, long samples) {}

  @Override
  public Capabilities capabilities() {
    return CapableOf.REPORTING_TAGGING;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
