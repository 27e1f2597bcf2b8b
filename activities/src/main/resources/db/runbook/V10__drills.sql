-- Rollback drills: one row per drill (drill-<target>-<tag>), written when it starts and again with
-- its report when it ends. A drill is a rehearsal, never an incident: the runbook run it starts
-- (its rollback_workflow_id) has its own row in runs, marked with runs.drill.

create table drills (
    workflow_id           text        primary key,
    runbook               text        not null,
    target                text        not null,
    requested_by          text        not null,
    approver              text,
    bad_version           text        not null,
    detection             text        not null,
    detection_limit_ms    bigint      not null,
    sla_ms                bigint      not null,
    started_at            timestamptz not null,
    finished_at           timestamptz,
    -- rolled-back, not-detected, rollback-failed; null while it goes on
    outcome               text,
    message               text,
    rollback_workflow_id  text,
    time_to_detect_ms     bigint,
    time_to_rollback_ms   bigint,
    sla_met               boolean,
    -- how far under (met) or over (missed) the SLA the rollback took
    sla_difference_ms     bigint,
    restored              boolean,
    detected_by           text,
    approval              text,
    manual_interventions  integer,
    -- the whole DrillReport as JSON, per-step times included
    report                jsonb
);
create index drills_by_target on drills (target, started_at desc);

-- The drill a run rehearsed, or null for a real run: the runbook a drill starts, and the service
-- runs of a drilled full rollback.
alter table runs add column drill text;
