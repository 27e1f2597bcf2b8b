-- The checklist after each run (ChecklistWorkflow): one row per item, written at every change (a
-- tick, a reminder, an escalation, new evidence), so the checklist can be read after Temporal
-- has forgotten the workflow. A run's ID may come back (rollback-api is every rollback of api),
-- so a checklist is its workflow ID and its Temporal run. seq keeps the configured order.
create table checklist_items (
    seq              bigserial   not null,
    workflow_id      text        not null,
    checklist_run_id text        not null,
    run_workflow_id  text        not null,
    run_run_id       text,
    runbook          text        not null,
    item             text        not null,
    title            text        not null,
    owner            text        not null,
    escalate_to      text,
    check_kind       text,
    due_at           timestamptz not null,
    state            text        not null,
    done_by          text,
    done_at          timestamptz,
    note             text,
    evidence         text,
    reminded_at      timestamptz,
    escalated_at     timestamptz,
    primary key (workflow_id, checklist_run_id, item)
);
create index checklist_items_run on checklist_items (run_workflow_id, seq);
