package dev.runbook.activities.policy;

import dev.runbook.workflows.activities.PolicyActivities;
import dev.runbook.workflows.policy.PolicySnapshot;
import java.util.function.Supplier;

/** Hands runs the approval policy and people directory from the worker's configuration. */
public final class PolicyActivitiesImpl implements PolicyActivities {
  private final Supplier<PolicySnapshot> policy;

  public PolicyActivitiesImpl(Supplier<PolicySnapshot> policy) {
    this.policy = policy;
  }

  @Override
  public PolicySnapshot snapshot(PolicyRequest request) {
    return policy.get();
  }
}
