package dev.runbook.workflows.policy;

import dev.runbook.workflows.model.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The severity and approval matrix (DESIGN §4) as data. The worker loads it from configuration;
 * {@link #defaults()} is the source decision matrix.
 *
 * @param rules the rule for each severity
 * @param dataLoss the rule for runs that lose data (a database restore), whatever the severity
 */
public record ApprovalPolicy(Map<Severity, ApprovalRule> rules, ApprovalRule dataLoss) {

  public static ApprovalPolicy defaults() {
    Map<Severity, ApprovalRule> rules = new EnumMap<>(Severity.class);
    rules.put(Severity.P0, ApprovalRule.NONE);
    rules.put(
        Severity.P1,
        new ApprovalRule(
            1,
            List.of("engineering-lead"),
            Duration.ofMinutes(15),
            List.of("engineering-manager", "cto"),
            Duration.ofHours(1)));
    rules.put(
        Severity.P2,
        new ApprovalRule(
            1,
            List.of("engineering-manager"),
            Duration.ofHours(4),
            List.of("director"),
            Duration.ofHours(24)));
    return new ApprovalPolicy(rules, rules.get(Severity.P1));
  }

  /** The rule that applies: the data-loss rule replaces a weaker one when data is lost. */
  public ApprovalRule ruleFor(Severity severity, boolean losesData) {
    ApprovalRule rule = rules == null ? null : rules.get(severity);
    if (rule == null) {
      rule = ApprovalRule.NONE;
    }
    if (losesData && !rule.required() && dataLoss != null) {
      return dataLoss;
    }
    return rule;
  }

  /** Every role that may approve something; these people may also decide on failed steps. */
  public List<String> approverRoles() {
    List<String> roles = new ArrayList<>();
    if (rules != null) {
      rules.values().forEach(r -> r.roles().forEach(x -> addOnce(roles, x)));
    }
    if (dataLoss != null) {
      dataLoss.roles().forEach(x -> addOnce(roles, x));
    }
    return roles;
  }

  private static void addOnce(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    for (Severity s : Severity.values()) {
      ApprovalRule r = rules == null ? null : rules.get(s);
      if (r != null) {
        p.addAll(r.problems(path + "." + s));
      }
    }
    if (dataLoss != null) {
      p.addAll(dataLoss.problems(path + ".dataLoss"));
      if (!dataLoss.required()) {
        p.add(path + ".dataLoss must require at least one approval: a restore loses data");
      }
    }
    return p;
  }
}
