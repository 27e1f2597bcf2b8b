-- One-time console links (the approval notification's "Approve or reject: <url>"): a link opens
-- once, so its random nonce is recorded here when it is opened, insert-if-absent; a second
-- opening finds the row and is refused naming when the first was. Shared by every API server.
-- Rows are useless once the link expired; cleanup may delete those older than a day.
create table console_link_uses (
    nonce       text        primary key,
    workflow_id text        not null,
    person      text        not null,
    used_at     timestamptz not null
);
