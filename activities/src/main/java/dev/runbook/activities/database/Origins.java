package dev.runbook.activities.database;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where a backup comes from: the run and step taking it, and this machine. */
final class Origins {
  private static volatile String host;

  private Origins() {}

  /**
   * The origin of work done under {@code key} ({@code <workflowId>/<runTag>/<step>} when a
   * runbook asks): the activity's workflow and run when there is one, the step from the key.
   */
  static BackupCatalog.Origin of(String key) {
    String workflowId = null;
    String runId = null;
    try {
      ActivityInfo info = Activity.getExecutionContext().getInfo();
      workflowId = info.getWorkflowId();
      runId = info.getRunId();
    } catch (IllegalStateException notInAnActivity) {
      // Called directly (tests, tools): the key is all there is.
    }
    String step = key;
    String[] parts = key.split("/", 3);
    if (parts.length == 3 && (workflowId == null || parts[0].equals(workflowId))) {
      workflowId = parts[0];
      step = parts[2];
    }
    return new BackupCatalog.Origin(workflowId, runId, step, host());
  }

  private static String host() {
    if (host == null) {
      String name;
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        name = System.getenv().getOrDefault("HOSTNAME", "unknown");
      }
      host = name;
    }
    return host;
  }
}
