package dev.runbook.workflows.policy;

import java.util.List;
import java.util.Optional;

/**
 * The policy and the people directory as they were when a run started. The run keeps it so that
 * its update validators can judge votes without I/O.
 */
public record PolicySnapshot(ApprovalPolicy policy, List<Person> people) {
  public Optional<Person> person(String name) {
    if (name == null || people == null) {
      return Optional.empty();
    }
    return people.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
