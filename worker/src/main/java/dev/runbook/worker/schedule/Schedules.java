package dev.runbook.worker.schedule;

import dev.runbook.activities.database.DatabaseSettings;
import dev.runbook.workflows.DatabaseScheduleWorkflow;
import dev.runbook.workflows.model.DatabaseSchedule;
import dev.runbook.workflows.model.WorkflowIds;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each configured database's schedule run ({@code schedule-<database>}, a {@link
 * DatabaseScheduleWorkflow}) in step with the configuration, each time a worker process starts:
 * one that is missing is started; one whose jobs or times differ from the configuration (read
 * from its current run's input in Temporal) is replaced; one of a database no longer configured
 * on this task queue is stopped; one that matches is left alone, so a restart never interrupts a
 * schedule or starts a job twice. Workers that start at once race harmlessly: a second start of
 * the same ID is refused by Temporal and counts as done. A job under way when its schedule is
 * replaced or stopped finishes (the schedule abandons its child runs).
 *
 * <p>Temporal is the record of which schedules exist; the legacy open-executions listing, which
 * the real server and the Java test server both answer, finds the ones to stop.
 */
public final class Schedules {
  private static final Logger log = LoggerFactory.getLogger(Schedules.class);
  private static final String TYPE = "DatabaseSchedule";

  /** What one reconciliation did, by database. */
  public record Outcome(List<String> started, List<String> replaced, List<String> unchanged, List<String> stopped) {
    /** One line per database for the process's console. */
    public List<String> lines(Map<String, DatabaseSchedule> schedules) {
      List<String> lines = new ArrayList<>();
      schedules.forEach((db, s) -> {
        String what = started.contains(db) ? "started" : replaced.contains(db) ? "replaced (changed)" : "running";
        lines.add("schedule of " + db + " " + what + ": " + s.describe());
      });
      stopped.forEach(db -> lines.add("schedule of " + db + " stopped: the database is no longer configured"));
      return lines;
    }
  }

  private final ScheduleRuns runs;
  private final String source;

  /**
   * @param source the configuration file, named when a schedule is replaced or stopped
   */
  public Schedules(WorkflowClient client, String taskQueue, String source) {
    this.runs = new ScheduleRuns(client, taskQueue, log);
    this.source = source;
  }

  /** The schedule each configured database runs. */
  public static Map<String, DatabaseSchedule> of(Map<String, DatabaseSettings> databases) {
    Map<String, DatabaseSchedule> out = new LinkedHashMap<>();
    databases.forEach((name, settings) -> out.put(name, settings.schedule(name)));
    return out;
  }

  public Outcome reconcile(Map<String, DatabaseSchedule> wanted) {
    List<String> started = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    wanted.forEach((db, schedule) -> {
      String id = WorkflowIds.forSchedule(db);
      Optional<DatabaseSchedule> running = runs.running(id, DatabaseSchedule.class);
      if (running.isPresent() && running.get().sameAs(schedule)) {
        unchanged.add(db);
        return;
      }
      if (running.isPresent()) {
        runs.terminate(id, "the schedule changed in " + source + ": now " + schedule.describe());
        replaced.add(db);
      } else {
        started.add(db);
      }
      start(id, schedule);
    });
    List<String> stopped = new ArrayList<>();
    for (String id : runs.openIds(TYPE, WorkflowIds.SCHEDULE_PREFIX)) {
      String db = id.substring(WorkflowIds.SCHEDULE_PREFIX.length());
      if (!wanted.containsKey(db) && runs.onThisQueue(id)) {
        runs.terminate(id, "databases." + db + " is no longer in " + source);
        stopped.add(db);
      }
    }
    return new Outcome(started, replaced, unchanged, stopped);
  }

  private void start(String id, DatabaseSchedule schedule) {
    DatabaseScheduleWorkflow w = runs.stub(DatabaseScheduleWorkflow.class, id,
        "schedule of " + schedule.database() + ": " + schedule.describe(),
        "Starts the scheduled backups and cleanups of databases." + schedule.database() + " ("
            + source + "); the worker replaces it when they change.");
    runs.start(id, schedule.describe(), () -> WorkflowClient.start(w::run, schedule));
  }
}
