package dev.runbook.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * What a run will do once approved, read as it would happen now: the exact commands and SQL the
 * adapters would run (their dry runs), the versions, the running version the run expects to move
 * from, and for a restore the backup's identity and whether a newer one exists. The lines are
 * what approvers see; the hash over them is what a vote approves. Reads only: asking twice while
 * nothing changes gives the same plan, and any change (another running version, a newer backup,
 * another configured command) gives another hash.
 */
@ActivityInterface(namePrefix = "Plan")
public interface PlanActivities {
  Plan plan(PlanRequest request);

  /** The steps after the approval gate, in order. */
  record PlanRequest(List<PlannedAction> actions) {
    public PlanRequest {
      actions = List.copyOf(actions);
    }
  }

  /**
   * One step after the gate.
   *
   * @param target the service or the configured database
   * @param version the version to deploy, the schema version to revert to, the backup to restore,
   *     or the configuration snapshot to restore
   * @param expected what the run saw before asking (the running version or schema, the running
   *     configuration); for a restore, {@link #NEWEST} when the run chose the newest backup itself
   *     (the plan then says when a newer one exists), else null
   * @param runTag the run's tag, which names a swap's staging database and safety copy
   */
  record PlannedAction(Kind kind, String target, String version, String expected, String runTag) {
    public PlannedAction(Kind kind, String target, String version, String expected) {
      this(kind, target, version, expected, null);
    }
  }

  /** A restore whose backup the run chose as the newest of its database. */
  String NEWEST = "newest";

  enum Kind {
    STOP,
    START,
    RESTART,
    DEPLOY,
    CONFIG,
    REVERT_SCHEMA,
    RESTORE_IN_PLACE,
    SWAP
  }

  /**
   * @param hash SHA-256 over the lines, in hex; runs show its first 12 digits
   */
  record Plan(List<String> lines, String hash) {
    public Plan {
      lines = List.copyOf(lines);
    }

    /** The hash as people see and type it. */
    public String shortHash() {
      return hash == null || hash.length() < 12 ? hash : hash.substring(0, 12);
    }

    /** True when {@code typed} (at least 12 hex digits) names this plan. */
    public boolean matches(String typed) {
      return typed != null && typed.length() >= 12 && hash != null && hash.startsWith(typed);
    }
  }
}
