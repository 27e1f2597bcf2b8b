package dev.runbook.bench.engine;

import io.temporal.activity.ActivityInterface;

/** The floor's activities: no-ops, under two names (before and after the bare workflow's gate). */
@ActivityInterface(namePrefix = "Bare")
public interface BareActivities {
  int noop(int step);

  /** The same no-op, under another name: the activities after the gate. */
  int next(int step);
}
