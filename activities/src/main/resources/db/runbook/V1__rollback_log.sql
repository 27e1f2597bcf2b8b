-- The rollback log: what every run did, who approved and decided, and the outcome.
-- Written only by the audit activity, idempotently (a retried batch changes nothing).

create table runs (
    workflow_id   text        not null,
    run_id        text        not null primary key,
    runbook       text        not null,
    severity      text,
    services      text[]      not null default '{}',
    reason        text,
    requested_by  text,
    incident_id   text,
    dry_run       boolean     not null default false,
    started_at    timestamptz not null,
    finished_at   timestamptz,
    outcome       text,
    from_version  text,
    to_version    text,
    duration_ms   bigint,
    message       text
);
create index runs_started_at on runs (started_at desc);
create index runs_workflow_id on runs (workflow_id);

create table run_events (
    run_id   text        not null references runs (run_id),
    seq      bigint      not null,
    type     text        not null,
    at       timestamptz not null,
    actor    text,
    step     text,
    detail   text,
    data     jsonb       not null default '{}',
    primary key (run_id, seq)
);

create table steps (
    run_id       text        not null references runs (run_id),
    step         text        not null,
    state        text        not null,
    attempts     int         not null default 0,
    started_at   timestamptz,
    finished_at  timestamptz,
    error        text,
    primary key (run_id, step)
);

create table approvals (
    run_id   text        not null references runs (run_id),
    seq      bigint      not null,
    person   text        not null,
    verdict  text        not null check (verdict in ('approved', 'rejected', 'refused')),
    comment  text,
    at       timestamptz not null,
    primary key (run_id, seq)
);

create table decisions (
    run_id   text        not null references runs (run_id),
    seq      bigint      not null,
    person   text        not null,
    step     text,
    action   text        not null,
    comment  text,
    at       timestamptz not null,
    primary key (run_id, seq)
);

-- One row per message and channel: a retried notification activity finds its key here and
-- does not post again.
create table notification_deliveries (
    idempotency_key  text        not null,
    channel          text        not null,
    delivered_at     timestamptz not null default now(),
    primary key (idempotency_key, channel)
);
