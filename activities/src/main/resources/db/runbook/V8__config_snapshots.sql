-- Configuration snapshots: what a service's configuration (its env file, its Kubernetes ConfigMap
-- and env, its platform's variables) held when a deploy was recorded or a rollback started.
--
-- A snapshot is named by its content: the same configuration of the same service taken again is
-- the same row (id = "cfg-" and the start of a keyed hash of the content). The values are kept
-- only sealed (AES-GCM with the workers' RUNBOOK_CONFIG_KEY; key_id says which key): anyone who
-- reads this table sees variable names and short keyed hashes of their values, never a value.

create table config_snapshots (
    id          text        primary key,
    service     text        not null,
    kind        text        not null check (kind in ('envFile', 'kubernetes', 'command')),
    -- name -> short keyed hash of its value: what diffs are read from
    names       jsonb       not null,
    sealed      bytea       not null,
    key_id      text        not null,
    taken_at    timestamptz not null,
    taken_by    text
);
create index config_snapshots_by_service on config_snapshots (service, taken_at desc);

-- A release ran with a configuration. A configuration can itself be rolled back from (a
-- configuration-only rollback leaves a configuration, not a version): a configuration some
-- release row marks rolled back from is never chosen again on its own.
alter table releases
    add column config_snapshot        text references config_snapshots (id),
    add column config_rolled_back_at  timestamptz,
    add column config_rolled_back_by  text,
    add column config_rolled_back_run text,
    add column config_rollback_reason text;
create index releases_by_config on releases (service, config_snapshot);
