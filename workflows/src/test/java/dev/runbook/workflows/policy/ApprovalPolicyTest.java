package dev.runbook.workflows.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.workflows.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalPolicyTest {
  private final ApprovalPolicy defaults = ApprovalPolicy.defaults();

  @Test
  void theDefaultsAreTheSourceDecisionMatrix() {
    assertThat(defaults.ruleFor(Severity.P0, false).required()).isFalse();
    ApprovalRule p1 = defaults.ruleFor(Severity.P1, false);
    assertThat(p1.roles()).containsExactly("engineering-lead");
    assertThat(p1.timeout()).isEqualTo(Duration.ofMinutes(15));
    ApprovalRule p2 = defaults.ruleFor(Severity.P2, false);
    assertThat(p2.roles()).containsExactly("engineering-manager");
    assertThat(p2.timeout()).isEqualTo(Duration.ofHours(4));
    assertThat(defaults.problems("policy")).isEmpty();
  }

  @Test
  void losingDataAlwaysNeedsApprovalEvenAtP0() {
    assertThat(defaults.ruleFor(Severity.P0, true).required()).isTrue();
    assertThat(defaults.ruleFor(Severity.P0, true).roles()).containsExactly("engineering-lead");
    assertThat(defaults.ruleFor(Severity.P2, true)).isEqualTo(defaults.ruleFor(Severity.P2, false));
  }

  @Test
  void escalationsAreSpacedByTheTimeout() {
    ApprovalRule p1 = defaults.ruleFor(Severity.P1, false);
    assertThat(p1.escalationAt(0)).isEqualTo(Duration.ofMinutes(15));
    assertThat(p1.escalationAt(1)).isEqualTo(Duration.ofMinutes(30));
    assertThat(p1.describe())
        .isEqualTo("1 approval from engineering-lead within 15m, escalating to engineering-manager then cto, abort after 1h");
  }

  @Test
  void mistakesInTheRulesAreNamedByTheirPath() {
    ApprovalRule bad = new ApprovalRule(1, List.of(), Duration.ofMinutes(30), List.of(), Duration.ofMinutes(10));
    ApprovalPolicy p = new ApprovalPolicy(Map.of(Severity.P1, bad), ApprovalRule.NONE);
    assertThat(p.problems("policy")).containsExactlyInAnyOrder(
        "policy.P1.roles is empty: name the role(s) that may approve",
        "policy.P1.abortAfter PT10M is shorter than timeout PT30M",
        "policy.dataLoss must require at least one approval: a restore loses data");
  }

  @Test
  void approverRolesAreEveryRoleThatMayApproveSomething() {
    assertThat(defaults.approverRoles()).containsExactly("engineering-lead", "engineering-manager");
  }

  @Test
  void durationsReadTheWayPeopleWriteThem() {
    assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("PT4H")).isEqualTo(Duration.ofHours(4));
    assertThat(Durations.human(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.human(Duration.ofMillis(40))).isEqualTo("40ms");
    for (String bad : List.of("", "15", "15 minutes", "m15", "1h 30m", "-5m")) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("write it like 90s, 15m, 4h or 1h30m");
    }
  }
}
