-- Every backup a worker took, so that people find them wherever they are (`runbook backups`,
-- GET /api/v1/backups): the database it came from (its server's system identifier, the address,
-- the physical name), what it holds, the run and step that took it, where its files are, and
-- whether retention has removed them since. The backup activity writes a backup's row once: a
-- retried activity, or the same key again, finds it (one directory, one row).

create table backups (
    location           text        not null primary key,
    worker_host        text,
    database           text        not null,
    backup_id          text        not null,
    system_identifier  text,
    host               text,
    port               int,
    physical_database  text,
    created_at         timestamptz not null,
    size_bytes         bigint      not null,
    sha256             text        not null,
    schema_version     text,
    verified           boolean     not null,
    idempotency_key    text        not null,
    workflow_id        text,
    run_id             text,
    step               text,
    recorded_at        timestamptz not null default now(),
    removed_at         timestamptz
);
create index backups_database_created_at on backups (database, created_at desc);
create index backups_created_at on backups (created_at desc);
