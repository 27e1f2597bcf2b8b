-- The status page incident each run opened, per statuspage channel (run: workflowId/runId, since
-- one workflow ID names every run of a service's runbook in turn). Later messages of the run
-- update it; a create whose answer was lost (the row has no incident_id) is looked for on the page
-- by its name and time before anything is created again, since Statuspage has no idempotency key.
create table statuspage_incidents (
    channel         text        not null,
    run             text        not null,
    incident_name   text        not null,
    created_by_key  text        not null,
    create_sent_at  timestamptz not null default now(),
    incident_id     text,
    resolved_at     timestamptz,
    primary key (channel, run)
);
