package dev.runbook.workflows.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoteRulesTest {
  private final PolicySnapshot policy =
      new PolicySnapshot(
          ApprovalPolicy.defaults(),
          List.of(
              new Person("alice", List.of("engineering-lead")),
              new Person("carol", List.of("engineering-manager")),
              new Person("dave", List.of())));
  private final ApprovalRule p1 = ApprovalPolicy.defaults().ruleFor(Severity.P1, false);

  private Optional<VoteRules.Verdict> vote(String person, boolean approving, List<String> voted) {
    return VoteRules.refusal(policy, p1, "erin", voted, person, "why", approving);
  }

  @Test
  void aLeadMayApproveAP1() {
    assertThat(vote("alice", true, List.of())).isEmpty();
  }

  @Test
  void eachRefusalHasItsKindAndSaysWhatToDo() {
    assertThat(vote("erin", true, List.of())).get()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(RefusalKind.SELF_APPROVAL))
        .satisfies(v -> assertThat(v.message()).contains("ask someone with role engineering-lead"));
    assertThat(vote("carol", true, List.of())).get()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(RefusalKind.WRONG_ROLE))
        .satisfies(v -> assertThat(v.message()).contains("has: engineering-manager"));
    assertThat(vote("dave", true, List.of())).get()
        .satisfies(v -> assertThat(v.message()).contains("has: no roles"));
    assertThat(vote("zed", true, List.of())).get()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(RefusalKind.UNKNOWN_PERSON));
    assertThat(vote("alice", true, List.of("alice"))).get()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(RefusalKind.DUPLICATE_VOTE));
    assertThat(vote(" ", true, List.of())).get()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(RefusalKind.INVALID));
  }

  @Test
  void aRejectionNeedsAReason() {
    assertThat(VoteRules.refusal(policy, p1, "erin", List.of(), "alice", " ", false)).get()
        .satisfies(v -> assertThat(v.message()).contains("needs a reason"));
  }

  @Test
  void refusalKindsTravelInTheMessage() {
    String text = RefusalKind.WRONG_ROLE.message("bob lacks role x");
    assertThat(RefusalKind.parse(text)).isEqualTo(new RefusalKind.Refused(RefusalKind.WRONG_ROLE, "bob lacks role x"));
    assertThat(RefusalKind.parse("something else: entirely").kind()).isEqualTo(RefusalKind.INVALID);
    assertThat(RefusalKind.WRONG_ROLE.httpStatus()).isEqualTo(403);
    assertThat(RefusalKind.DUPLICATE_VOTE.httpStatus()).isEqualTo(409);
  }
}
