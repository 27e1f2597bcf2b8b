-- What each worker runs (its services, databases, environments and people, and the fingerprint
-- of its configuration file), so that whoever starts a run checks it against what will run it.
create table worker_catalogs (
    task_queue    text        not null,
    worker        text        not null,
    fingerprint   text        not null,
    source        text        not null,
    catalog       jsonb       not null,
    published_at  timestamptz not null,
    primary key (task_queue, worker)
);
