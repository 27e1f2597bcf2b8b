package dev.runbook.worker.schedule;

import dev.runbook.workflows.DrillScheduleWorkflow;
import dev.runbook.workflows.model.DrillSchedule;
import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each configured drill schedule ({@code drills-<target>}, a {@link DrillScheduleWorkflow})
 * in step with the {@code drills:} section each time a worker process starts, as {@link Schedules}
 * does for the databases: a missing one is started, a changed one replaced, one no longer
 * configured on this task queue stopped, a matching one left alone. A target the workers' catalog
 * refuses for a drill (production, or unknown) never gets one, whatever the file says, and one
 * already running for it is stopped.
 */
public final class DrillSchedules {
  private static final Logger log = LoggerFactory.getLogger(DrillSchedules.class);
  private static final String TYPE = "DrillSchedule";

  /** What one reconciliation did, by target. */
  public record Outcome(List<String> started, List<String> replaced, List<String> unchanged, List<String> stopped,
      Map<String, List<String>> refused) {
    /** One line per target for the process's console. */
    public List<String> lines(Map<String, DrillSchedule> schedules) {
      List<String> lines = new ArrayList<>();
      schedules.forEach((target, s) -> {
        if (refused.containsKey(target)) {
          lines.add("warning: drill schedule of " + target + " not started: " + String.join("; ", refused.get(target)));
          return;
        }
        String what = started.contains(target) ? "started" : replaced.contains(target) ? "replaced (changed)" : "running";
        lines.add("drill schedule of " + target + " " + what + ": " + s.schedule().describe());
      });
      stopped.stream().filter(t -> !refused.containsKey(t))
          .forEach(t -> lines.add("drill schedule of " + t + " stopped: the drill is no longer configured"));
      return lines;
    }
  }

  private final ScheduleRuns runs;
  private final String source;
  private final Function<String, List<String>> targetRefusals;

  /**
   * @param source the configuration file, named when a schedule is replaced or stopped
   * @param targetRefusals why a target may not be drilled (production, unknown); empty when it may
   */
  public DrillSchedules(WorkflowClient client, String taskQueue, String source,
      Function<String, List<String>> targetRefusals) {
    this.runs = new ScheduleRuns(client, taskQueue, log);
    this.source = source;
    this.targetRefusals = targetRefusals;
  }

  public Outcome reconcile(Map<String, DrillSchedule> wanted) {
    List<String> started = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    Map<String, List<String>> refused = new LinkedHashMap<>();
    Map<String, DrillSchedule> allowed = new LinkedHashMap<>();
    wanted.forEach((target, schedule) -> {
      List<String> why = targetRefusals.apply(target);
      if (why.isEmpty()) {
        allowed.put(target, schedule);
      } else {
        refused.put(target, why);
      }
    });
    allowed.forEach((target, schedule) -> {
      String id = WorkflowIds.forDrillSchedule(target);
      Optional<DrillSchedule> running = runs.running(id, DrillSchedule.class);
      if (running.isPresent() && same(running.get(), schedule)) {
        unchanged.add(target);
        return;
      }
      if (running.isPresent()) {
        runs.terminate(id, "the drill schedule changed in " + source + ": now " + schedule.schedule().describe());
        replaced.add(target);
      } else {
        started.add(target);
      }
      start(id, schedule);
    });
    List<String> stopped = new ArrayList<>();
    for (String id : runs.openIds(TYPE, WorkflowIds.DRILL_SCHEDULE_PREFIX)) {
      String target = id.substring(WorkflowIds.DRILL_SCHEDULE_PREFIX.length());
      if (!allowed.containsKey(target) && runs.onThisQueue(id)) {
        runs.terminate(id, refused.containsKey(target) ? String.join("; ", refused.get(target))
            : "the drill of " + target + " is no longer in " + source);
        stopped.add(target);
      }
    }
    return new Outcome(started, replaced, unchanged, stopped, refused);
  }

  private static boolean same(DrillSchedule running, DrillSchedule wanted) {
    return running.drill().equals(wanted.drill()) && running.schedule().equals(wanted.schedule());
  }

  private void start(String id, DrillSchedule schedule) {
    DrillScheduleWorkflow w = runs.stub(DrillScheduleWorkflow.class, id,
        "drill schedule of " + schedule.drill().target() + ": " + schedule.schedule().describe(),
        "Starts the " + schedule.drill().runbook().id() + " drill of " + schedule.drill().target()
            + " (drills in " + source + "); the worker replaces it when it changes.");
    runs.start(id, schedule.schedule().describe(), () -> WorkflowClient.start(w::run, schedule));
  }
}
