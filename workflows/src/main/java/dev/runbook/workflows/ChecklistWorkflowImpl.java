package dev.runbook.workflows;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.ChecklistActivities;
import dev.runbook.workflows.activities.ChecklistActivities.CheckRequest;
import dev.runbook.workflows.activities.ChecklistActivities.ItemCheck;
import dev.runbook.workflows.activities.ChecklistActivities.ItemRecord;
import dev.runbook.workflows.activities.ChecklistActivities.Plan;
import dev.runbook.workflows.activities.ChecklistActivities.PlanRequest;
import dev.runbook.workflows.activities.ChecklistActivities.PlannedItem;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.Failures;
import dev.runbook.workflows.model.ChecklistDone;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistRequest;
import dev.runbook.workflows.model.ChecklistState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The checklist's loop: one wake at a time, at the next reminder, deadline, check or closing time,
 * or when a person ticks an item. Every change is written to the rollback log by an idempotent
 * activity, so the checklist can be read after Temporal forgets this workflow.
 *
 * <p>It does not wait forever: when the last deadline and {@code closeAfter} have passed with
 * items open, it tells the team and the escalation path once more and ends as closed. The open
 * items stay open in the rollback log, where the incident report shows them; chasing them further
 * is a person's call, and a workflow that never ends would only grow its history.
 */
public final class ChecklistWorkflowImpl implements ChecklistWorkflow {
  private static final Logger log = Workflow.getLogger(ChecklistWorkflowImpl.class);
  /** How often at most a check that failed past its deadline is read again (it escalated). */
  static final Duration OVERDUE_CHECK_EVERY = Duration.ofMinutes(15);

  private final ChecklistActivities checks =
      Workflow.newActivityStub(ChecklistActivities.class, ActivityCatalog.QUICK);
  private final ChecklistActivities recorder =
      Workflow.newActivityStub(ChecklistActivities.class, ActivityCatalog.AUDIT);
  private final NotifyActivities notify = Workflow.newActivityStub(NotifyActivities.class, ActivityCatalog.NOTIFY);

  private final Map<String, ChecklistItemState> items = new LinkedHashMap<>();
  private final Map<String, Instant> nextCheck = new HashMap<>();
  private ChecklistRequest request;
  private String workflowId;
  private Plan plan;
  private String status = ChecklistState.STARTING;
  private String message;
  private boolean ticked;
  private int notifySeq;

  @Override
  public ChecklistState run(ChecklistRequest req) {
    request = req;
    workflowId = Workflow.getInfo().getWorkflowId();
    plan = checks.plan(new PlanRequest(req.runWorkflowId(), req.runbook(), req.outcome().label(), req.services()));
    if (plan.none() != null) {
      status = ChecklistState.NONE;
      message = plan.none();
      return checklist();
    }
    status = ChecklistState.OPEN;
    Instant lastDue = req.endedAt();
    for (PlannedItem p : plan.items()) {
      Instant due = req.endedAt().plus(p.within());
      lastDue = due.isAfter(lastDue) ? due : lastDue;
      String escalateTo = p.escalateTo() != null ? p.escalateTo()
          : req.escalation().isEmpty() ? null : req.escalation().get(0);
      items.put(p.id(), new ChecklistItemState(p.id(), p.title(), p.owner(), escalateTo, p.check(), due,
          ChecklistItemState.OPEN, null, null, null, null, null, null));
    }
    items.values().forEach(this::record);
    Instant closeAt = lastDue.plus(plan.closeAfter());
    while (!allDone()) {
      runDueChecks();
      if (allDone()) {
        break;
      }
      Instant now = now();
      remind(now);
      escalate(now);
      if (!now.isBefore(closeAt)) {
        close();
        return checklist();
      }
      Duration wait = Duration.between(now, nextWake(now, closeAt));
      ticked = false;
      Workflow.await(wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait,
          () -> ticked || allDone());
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    status = ChecklistState.DONE;
    message = "all " + items.size() + " items done: " + items.values().stream()
        .map(i -> i.id() + " by " + i.doneBy())
        .collect(Collectors.joining(", "));
    send(NotificationKind.CHECKLIST_DONE, Audience.TEAM, null, message);
    return checklist();
  }

  @Override
  public ChecklistState checklist() {
    return new ChecklistState(workflowId, request == null ? null : request.runWorkflowId(), status, message,
        List.copyOf(items.values()));
  }

  @Override
  public void validateDone(ChecklistDone done) {
    ChecklistRules.refusal(done, status, items, plan == null ? List.of() : plan.people())
        .ifPresent(v -> {
          throw ApplicationFailure.newNonRetryableFailure(
              v.kind().message(v.message()), v.kind().name());
        });
  }

  @Override
  public ChecklistItemState done(ChecklistDone done) {
    ChecklistItemState item = items.get(done.item());
    if (item == null || item.done()) {
      return item;
    }
    ChecklistItemState t = item.ticked(done.person(), now(), done.note(), null);
    items.put(t.id(), t);
    ticked = true;
    record(t);
    return t;
  }

  // ------------------------------------------------------------------ the loop's parts

  private void runDueChecks() {
    Instant now = now();
    List<String> due = items.values().stream()
        .filter(i -> i.automatic() && !i.done())
        .filter(i -> !nextCheck.getOrDefault(i.id(), now).isAfter(now))
        .map(ChecklistItemState::id)
        .toList();
    if (due.isEmpty()) {
      return;
    }
    List<ItemCheck> results;
    try {
      results = checks.check(new CheckRequest(workflowId, request.runWorkflowId(), request.runbook(),
          request.services(), due, request.runRunId()));
    } catch (ActivityFailure f) {
      String why = "the checks could not be run: " + Failures.describe(f);
      results = due.stream().map(id -> new ItemCheck(id, false, why)).toList();
    }
    Instant at = now();
    for (ItemCheck r : results) {
      ChecklistItemState i = items.get(r.item());
      if (i == null || i.done()) {
        continue; // a person ticked it while the check ran
      }
      ChecklistItemState after = r.passed() ? i.ticked("runbook", at, null, r.evidence()) : i.withEvidence(r.evidence());
      items.put(i.id(), after);
      if (r.passed() || !Objects.equals(i.evidence(), r.evidence())) {
        record(after);
      }
      Duration every = at.isBefore(i.dueAt()) ? plan.checkEvery()
          : (plan.checkEvery().compareTo(OVERDUE_CHECK_EVERY) > 0 ? plan.checkEvery() : OVERDUE_CHECK_EVERY);
      nextCheck.put(i.id(), at.plus(every));
    }
  }

  /** One reminder per owner role for its items whose reminder time came, before their deadline. */
  private void remind(Instant now) {
    Map<String, List<ChecklistItemState>> byOwner = new LinkedHashMap<>();
    for (ChecklistItemState i : items.values()) {
      if (!i.done() && i.remindedAt() == null && now.isBefore(i.dueAt())
          && !now.isBefore(i.dueAt().minus(plan.remindBefore()))) {
        byOwner.computeIfAbsent(i.owner(), o -> new ArrayList<>()).add(i);
      }
    }
    byOwner.forEach((owner, list) -> {
      list.forEach(i -> record(items.compute(i.id(), (k, v) -> v.reminded(now))));
      send(NotificationKind.CHECKLIST_REMINDER, Audience.APPROVERS, owner, "due soon for " + owner + ": "
          + describe(list) + "; tick each with `runbook done " + request.runWorkflowId() + " ITEM --as NAME`");
    });
  }

  /** Once per item, when its deadline passed with it open: to the role it escalates to. */
  private void escalate(Instant now) {
    Map<String, List<ChecklistItemState>> byRole = new LinkedHashMap<>();
    for (ChecklistItemState i : items.values()) {
      if (!i.done() && i.escalatedAt() == null && !now.isBefore(i.dueAt())) {
        byRole.computeIfAbsent(i.escalateTo() == null ? "" : i.escalateTo(), r -> new ArrayList<>()).add(i);
      }
    }
    byRole.forEach((role, list) -> {
      list.forEach(i -> record(items.compute(i.id(), (k, v) -> v.escalated(now))));
      String detail = "overdue: " + describe(list) + " (owner " + list.get(0).owner() + ")";
      if (role.isEmpty()) {
        send(NotificationKind.CHECKLIST_OVERDUE, Audience.TEAM, null, detail);
      } else {
        send(NotificationKind.CHECKLIST_OVERDUE, Audience.ESCALATION, role, detail);
      }
    });
  }

  private void close() {
    Workflow.await(Workflow::isEveryHandlerFinished);
    List<ChecklistItemState> open = items.values().stream().filter(i -> !i.done()).toList();
    status = ChecklistState.CLOSED;
    message = "closed with " + open.size() + " open: " + describe(open);
    send(NotificationKind.CHECKLIST_CLOSED, Audience.TEAM, null, message);
    if (!request.escalation().isEmpty()) {
      send(NotificationKind.CHECKLIST_CLOSED, Audience.ESCALATION, request.escalation().get(0), message);
    }
  }

  private Instant nextWake(Instant now, Instant closeAt) {
    Instant next = closeAt;
    for (ChecklistItemState i : items.values()) {
      if (i.done()) {
        continue;
      }
      List<Instant> times = new ArrayList<>();
      if (i.remindedAt() == null) {
        times.add(i.dueAt().minus(plan.remindBefore()));
      }
      if (i.escalatedAt() == null) {
        times.add(i.dueAt());
      }
      if (i.automatic()) {
        times.add(nextCheck.getOrDefault(i.id(), now));
      }
      for (Instant t : times) {
        if (t.isAfter(now) && t.isBefore(next)) {
          next = t;
        }
      }
    }
    return next;
  }

  // ------------------------------------------------------------------ helpers

  private boolean allDone() {
    return !items.isEmpty() && items.values().stream().allMatch(ChecklistItemState::done);
  }

  private static String describe(List<ChecklistItemState> list) {
    return list.stream().map(i -> i.id() + " \"" + i.title() + "\" due " + i.dueAt())
        .collect(Collectors.joining("; "));
  }

  private void record(ChecklistItemState item) {
    try {
      recorder.record(new ItemRecord(workflowId, Workflow.getInfo().getRunId(), request.runWorkflowId(),
          request.runbook(), item, request.runRunId()));
    } catch (ActivityFailure f) {
      log.warn("{}: could not write item {} to the rollback log: {}", workflowId, item.id(), Failures.describe(f));
    }
  }

  private void send(NotificationKind kind, Audience audience, String target, String detail) {
    String key = workflowId + "/" + Workflow.getInfo().getRunId() + "/" + (++notifySeq) + "-"
        + kind.name().toLowerCase(Locale.ROOT);
    try {
      notify.send(new Notification(key, kind, audience, target, request.runWorkflowId(), request.runbook(),
          request.severity(), request.services(), request.reason(), request.requestedBy(), request.incidentId(),
          detail, Duration.between(request.endedAt(), now()), null, false, null));
    } catch (ActivityFailure f) {
      log.warn("{}: {} could not be sent: {}", workflowId, kind, Failures.describe(f));
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
