package dev.runbook.worker.config;

import dev.runbook.worker.temporal.WorkerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker process.
 *
 * @param stateDir where adapters keep state (process pid files, version history); relative to the
 *     config file
 * @param backupDir where database backups go (default: stateDir/backups)
 * @param metricsListen host:port for /metrics and /healthz of `runbook worker`
 * @param shutdownGrace how long running activities get to finish on shutdown
 * @param workflowCacheSize how many runs one worker keeps in memory between their steps; a run
 *     past it is replayed from its history when it wakes (an approval, a decision): memory against
 *     a few milliseconds at each wake
 */
public record WorkerSettings(
    String stateDir,
    String backupDir,
    Integer maxConcurrentActivities,
    Duration shutdownGrace,
    String metricsListen,
    Integer workflowCacheSize) {
  /** Where the state is without worker.stateDir, read against the configuration file's directory. */
  public static final String DEFAULT_STATE_DIR = ".runbook";

  public WorkerSettings withDefaults() {
    return new WorkerSettings(
        stateDir == null ? DEFAULT_STATE_DIR : stateDir,
        backupDir,
        maxConcurrentActivities == null ? 20 : maxConcurrentActivities,
        shutdownGrace == null ? Duration.ofSeconds(30) : shutdownGrace,
        metricsListen == null ? "127.0.0.1:9464" : metricsListen,
        workflowCacheSize == null ? WorkerRuntime.DEFAULT_WORKFLOW_CACHE : workflowCacheSize);
  }

  List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (maxConcurrentActivities < 1 || maxConcurrentActivities > 1000) {
      p.add(path + ".maxConcurrentActivities " + maxConcurrentActivities + " is out of range: use 1 to 1000");
    }
    if (workflowCacheSize < 10 || workflowCacheSize > 10000) {
      p.add(path + ".workflowCacheSize " + workflowCacheSize + " is out of range: use 10 to 10000");
    }
    if (shutdownGrace.isNegative()) {
      p.add(path + ".shutdownGrace is negative: use e.g. 30s");
    }
    if (!metricsListen.matches("[A-Za-z0-9.-]+:[0-9]{1,5}")) {
      p.add(path + ".metricsListen: '" + metricsListen + "' is not host:port: write e.g. 127.0.0.1:9464");
    }
    return p;
  }
}
