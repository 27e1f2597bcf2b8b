package dev.runbook.workflows.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The policy and the people directory as they were when a run started. The run keeps it so that
 * its update validators can judge votes without I/O.
 *
 * @param sla how long this run may take to roll back and verify (see {@link Slas}), or null when
 *     none is configured and in snapshots taken before SLAs
 */
public record PolicySnapshot(ApprovalPolicy policy, List<Person> people, Duration sla) {
  public PolicySnapshot(ApprovalPolicy policy, List<Person> people) {
    this(policy, people, null);
  }

  public Optional<Person> person(String name) {
    if (name == null || people == null) {
      return Optional.empty();
    }
    return people.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The same snapshot with the run's SLA. */
  public PolicySnapshot withSla(Duration runSla) {
    return new PolicySnapshot(policy, people, runSla);
  }
}
