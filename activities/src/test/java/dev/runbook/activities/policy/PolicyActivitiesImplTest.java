package dev.runbook.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.PolicyActivities.PolicyRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.policy.ApprovalPolicy;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.PolicySnapshot;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyActivitiesImplTest {
  @Test
  void handsOutTheConfiguredPolicyAndAskingTwiceChangesNothing() {
    AtomicInteger reads = new AtomicInteger();
    PolicySnapshot configured = new PolicySnapshot(ApprovalPolicy.defaults(), List.of(new Person("alice", List.of("engineering-lead"))));
    PolicyActivitiesImpl policy = new PolicyActivitiesImpl(() -> {
      reads.incrementAndGet();
      return configured;
    });
    PolicyRequest request = new PolicyRequest(RunbookType.EMERGENCY, Severity.P1, List.of("api"));

    PolicySnapshot first = policy.snapshot(request);
    PolicySnapshot second = policy.snapshot(request);

    assertThat(first).isEqualTo(configured).isEqualTo(second);
    assertThat(first.person("alice")).hasValueSatisfying(p -> assertThat(p.hasRole("engineering-lead")).isTrue());
    assertThat(reads).hasValue(2);
  }
}
