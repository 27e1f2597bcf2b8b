package dev.runbook.workflows.policy;

import dev.runbook.workflows.model.RefusalKind;
import java.util.Collection;
import java.util.Optional;

/**
 * Whether a vote on an approval gate counts. Pure, so the update validator, the signal handler and
 * unit tests share one judgement. Each refusal says what was wrong and what to do.
 */
public final class VoteRules {
  private VoteRules() {}

  /** Why a vote does not count, with the kind the API maps to a status code. */
  public record Verdict(RefusalKind kind, String message) {}

  /**
   * Judges a vote on a gate that is waiting for votes (the gate itself says why it is not).
   *
   * @param approving true for approve, false for reject
   * @return why the vote is refused, or empty when the vote counts
   */
  public static Optional<Verdict> refusal(
      PolicySnapshot policy,
      ApprovalRule rule,
      String requester,
      Collection<String> alreadyVoted,
      String person,
      String comment,
      boolean approving) {
    String verb = approving ? "approve" : "reject";
    if (person == null || person.isBlank()) {
      return refuse(RefusalKind.INVALID, "a vote must name the person: pass --as NAME");
    }
    if (person.equals(requester)) {
      return refuse(
          RefusalKind.SELF_APPROVAL,
          person + " requested this run and cannot " + verb + " it: ask someone with role "
              + String.join(" or ", rule.roles()));
    }
    Optional<Person> who = policy.person(person);
    if (who.isEmpty()) {
      return refuse(RefusalKind.UNKNOWN_PERSON, person + " is not in the people directory: add them to the config");
    }
    if (!who.get().hasAnyRole(rule.roles())) {
      return refuse(
          RefusalKind.WRONG_ROLE,
          person + " lacks role " + String.join(" or ", rule.roles()) + " needed to " + verb
              + " this run (has: " + (who.get().roles() == null || who.get().roles().isEmpty()
                  ? "no roles" : String.join(", ", who.get().roles())) + ")");
    }
    if (alreadyVoted.contains(person)) {
      return refuse(RefusalKind.DUPLICATE_VOTE, person + " already voted on this run; a second vote does not count");
    }
    if (!approving && (comment == null || comment.isBlank())) {
      return refuse(RefusalKind.INVALID, "a rejection needs a reason: pass --reason");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> refuse(RefusalKind kind, String message) {
    return Optional.of(new Verdict(kind, message));
  }
}
