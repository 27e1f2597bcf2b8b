-- The release ledger: every version each service ran, who put it there, and what became of it.
-- Every choice of "where to go back to" is made from these rows, not from a list of versions.
--
-- A row is one deploy: by a rollback run (source 'rollback' or 'compensation'), recorded by CI/CD
-- ('recorded'), or seen running when a rollback moved away from it without any earlier record
-- ('observed'). A version is good when its newest row was verified healthy (the run's checks, or
-- CI's with --verified) or ran its service's soak time, and no row of it was ever rolled back from.

create table releases (
    id                  bigserial   primary key,
    service             text        not null,
    version             text        not null,
    schema_version      text,
    deployed_at         timestamptz not null,
    deployed_by         text        not null,
    source              text        not null check (source in ('rollback', 'compensation', 'recorded', 'observed')),
    workflow_id         text,
    run_id              text,
    reason              text,
    forced              boolean     not null default false,
    -- Idempotency: the run and event sequence that wrote it, or the recorder's key.
    record_key          text        not null unique,
    verified_at         timestamptz,
    verified_by         text,
    rolled_back_at      timestamptz,
    rolled_back_by      text,
    rolled_back_run     text,
    rollback_reason     text
);
create index releases_by_service on releases (service, deployed_at desc, id desc);
create index releases_by_version on releases (service, version);
