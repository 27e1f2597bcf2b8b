-- Retention of what rollbacks and backups leave behind.
--
-- safety_copies: every safety copy a staged swap made (the live database renamed to
-- <db>__before_<run>), written by the swap activity, so the cleanup knows each one's age. One
-- the cleanup finds without a row (made before this table, or by hand) gets a row then, dated
-- when it was first seen. A dropped copy keeps its row, with when and by which run.
create table safety_copies (
    database       text        not null,
    physical_name  text        not null,
    live_name      text        not null,
    run_tag        text        not null,
    workflow_id    text,
    run_id         text,
    created_at     timestamptz not null,
    recorded_by    text        not null check (recorded_by in ('swap', 'cleanup')),
    dropped_at     timestamptz,
    dropped_by     text,
    primary key (database, physical_name)
);

-- Every removal a cleanup made: a backup's files, a safety copy, a staging database of a dead run,
-- a stale lock file. Keyed by the cleanup's idempotency key, so a retried cleanup records each
-- removal once and reports what the earlier attempts removed, in the order they removed it.
create table removals (
    id               bigserial   not null unique,
    idempotency_key  text        not null,
    kind             text        not null check (kind in ('BACKUP', 'SAFETY_COPY', 'STAGING_DATABASE', 'LOCK_FILE')),
    database         text        not null,
    name             text        not null,
    why              text        not null,
    location         text,
    removed_at       timestamptz not null,
    workflow_id      text,
    run_id           text,
    primary key (idempotency_key, kind, database, name)
);
create index removals_removed_at on removals (removed_at desc);
