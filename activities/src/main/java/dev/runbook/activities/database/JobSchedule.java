package dev.runbook.activities.database;

import dev.runbook.workflows.model.CronSchedule;
import java.util.List;

/**
 * When a database's job runs: {@code databases.<name>.backup} and {@code databases.<name>.cleanup}
 * in runbook.yaml.
 *
 * <pre>
 * backup: { schedule: "0 3 * * *", timezone: Europe/Berlin }
 * </pre>
 *
 * @param schedule a standard five-field cron expression (minute hour day-of-month month
 *     day-of-week)
 * @param timezone the zone it is read in, such as Europe/Berlin; UTC when left out
 */
public record JobSchedule(String schedule, String timezone) {
  public CronSchedule cron() {
    return new CronSchedule(schedule, timezone);
  }

  public List<String> problems(String path) {
    return cron().problems(path);
  }
}
