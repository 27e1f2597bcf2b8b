-- Dump files people already had, imported as backups (`runbook backup import`, or a restore
-- started with --backup-file): the format they came in (backups a run takes are pg_dump's
-- directory format), and their origin: who imported them, and so asserted which database they
-- hold, from which path on the worker, and when (created_at is when the dump was made).

alter table backups
    add column format        text not null default 'directory',
    add column imported_by   text,
    add column imported_from text,
    add column imported_at   timestamptz;
