package dev.runbook.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.PolicyActivities.PolicyRequest;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.policy.ApprovalPolicy;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.PolicySnapshot;
import dev.runbook.workflows.policy.Slas;
import java.time.Duration;
import java.util.Map;
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

  @Test
  void aRunGetsItsServicesSlaElseItsRunbooksAndNoneWhenNoneIsConfigured() {
    PolicySnapshot configured = new PolicySnapshot(ApprovalPolicy.defaults(), List.of());
    Slas slas = new Slas(Duration.ofMinutes(10), null, Duration.ofMinutes(30),
        Map.of("storefront", Duration.ofMinutes(5), "landing", Duration.ofMinutes(7)));
    PolicyActivitiesImpl policy = new PolicyActivitiesImpl(() -> configured, () -> slas);

    assertThat(policy.snapshot(new PolicyRequest(RunbookType.EMERGENCY, Severity.P0, List.of("checkout"))).sla())
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(policy.snapshot(new PolicyRequest(RunbookType.EMERGENCY, Severity.P0, List.of("storefront"))).sla())
        .as("the service's own wins").isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.snapshot(new PolicyRequest(RunbookType.FULL, Severity.P0, List.of("storefront", "landing")))
        .sla()).isEqualTo(Duration.ofMinutes(30));
    assertThat(policy.snapshot(new PolicyRequest(RunbookType.DATABASE, Severity.P0, List.of("checkout"))).sla())
        .as("no database SLA, no service SLA").isNull();
    assertThat(new PolicyActivitiesImpl(() -> configured)
        .snapshot(new PolicyRequest(RunbookType.EMERGENCY, Severity.P0, List.of("checkout"))).sla()).isNull();
  }
}
