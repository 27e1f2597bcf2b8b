package dev.runbook.worker.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.policy.ApprovalPolicy;
import dev.runbook.workflows.policy.ApprovalRule;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The approval matrix (DESIGN §4): a rule per severity and one for runs that lose data. A rule
 * left out keeps the default from the source decision matrix.
 */
public record PolicySettings(
    @JsonProperty("P0") ApprovalRule p0,
    @JsonProperty("P1") ApprovalRule p1,
    @JsonProperty("P2") ApprovalRule p2,
    ApprovalRule dataLoss) {

  public ApprovalPolicy toPolicy() {
    ApprovalPolicy d = ApprovalPolicy.defaults();
    Map<Severity, ApprovalRule> rules = new EnumMap<>(d.rules());
    if (p0 != null) {
      rules.put(Severity.P0, normal(p0));
    }
    if (p1 != null) {
      rules.put(Severity.P1, normal(p1));
    }
    if (p2 != null) {
      rules.put(Severity.P2, normal(p2));
    }
    return new ApprovalPolicy(rules, dataLoss == null ? rules.get(Severity.P1) : normal(dataLoss));
  }

  private static ApprovalRule normal(ApprovalRule r) {
    return new ApprovalRule(
        r.approvals(),
        r.roles() == null ? List.of() : r.roles(),
        r.timeout(),
        r.escalation() == null ? List.of() : r.escalation(),
        r.abortAfter());
  }

  List<String> problems(String path) {
    return toPolicy().problems(path);
  }
}
