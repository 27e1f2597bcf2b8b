-- What the restores of `engine: command` databases completed, so that a retried activity does not
-- do its work twice. A PostgreSQL restore keeps its marker in the restored database's comment;
-- other engines have no such place the product can rely on, so the marker lives here: one per
-- configured database and physical database name (the live one, or a run's staging copy).

create table engine_markers (
    database     text        not null,
    target       text        not null,
    marker       text        not null,
    recorded_at  timestamptz not null default now(),
    primary key (database, target)
);
