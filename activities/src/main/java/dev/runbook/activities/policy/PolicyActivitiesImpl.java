package dev.runbook.activities.policy;

import dev.runbook.workflows.activities.PolicyActivities;
import dev.runbook.workflows.policy.PolicySnapshot;
import dev.runbook.workflows.policy.Slas;
import java.util.function.Supplier;

/**
 * Hands runs the approval policy and people directory from the worker's configuration, with the
 * SLA of the run that asks (its runbook, or its service's own).
 */
public final class PolicyActivitiesImpl implements PolicyActivities {
  private final Supplier<PolicySnapshot> policy;
  private final Supplier<Slas> slas;

  public PolicyActivitiesImpl(Supplier<PolicySnapshot> policy) {
    this(policy, Slas::none);
  }

  public PolicyActivitiesImpl(Supplier<PolicySnapshot> policy, Supplier<Slas> slas) {
    this.policy = policy;
    this.slas = slas;
  }

  @Override
  public PolicySnapshot snapshot(PolicyRequest request) {
    PolicySnapshot snapshot = policy.get();
    return slas.get().forRun(request.runbook(), request.services()).map(snapshot::withSla).orElse(snapshot);
  }
}
