package dev.runbook.workflows;

import dev.runbook.workflows.model.ChecklistDone;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.VoteRules.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a person may tick a checklist item. Pure, like {@code VoteRules}: the same identity
 * rules as an approval (the person is under people and holds the role), with the item's owner role
 * as the role, or the role it escalated to once it did.
 */
final class ChecklistRules {
  private ChecklistRules() {}

  static Optional<Verdict> refusal(ChecklistDone done, String status, Map<String, ChecklistItemState> items,
      List<Person> people) {
    if (ChecklistState.STARTING.equals(status)) {
      return refuse(RefusalKind.NOT_WAITING, "the checklist is still loading its items: try again in a moment");
    }
    if (!ChecklistState.OPEN.equals(status)) {
      return refuse(RefusalKind.NOT_WAITING, "the checklist is " + status + ": there is nothing left to tick");
    }
    if (done == null || done.person() == null || done.person().isBlank()) {
      return refuse(RefusalKind.INVALID, "ticking an item must name the person: pass --as NAME");
    }
    ChecklistItemState item = done.item() == null ? null : items.get(done.item());
    if (item == null) {
      return refuse(RefusalKind.INVALID, "no item '" + done.item() + "' in this checklist: the items are "
          + String.join(", ", items.keySet()));
    }
    if (item.done()) {
      return refuse(RefusalKind.DUPLICATE_VOTE, "'" + item.id() + "' was already done by " + item.doneBy()
          + " at " + item.doneAt());
    }
    Optional<Person> who = people.stream().filter(p -> p.name().equals(done.person())).findFirst();
    if (who.isEmpty()) {
      return refuse(RefusalKind.UNKNOWN_PERSON,
          done.person() + " is not in the people directory: add them to the config");
    }
    List<String> roles = new ArrayList<>();
    roles.add(item.owner());
    if (item.escalatedAt() != null && item.escalateTo() != null) {
      roles.add(item.escalateTo());
    }
    if (!who.get().hasAnyRole(roles)) {
      List<String> has = who.get().roles();
      return refuse(RefusalKind.WRONG_ROLE, done.person() + " lacks role " + String.join(" or ", roles)
          + " needed to tick '" + item.id() + "' (has: "
          + (has == null || has.isEmpty() ? "no roles" : String.join(", ", has)) + ")");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> refuse(RefusalKind kind, String message) {
    return Optional.of(new Verdict(kind, message));
  }
}
