-- How a drill broke its target (version, config or command), and when a break command and its
-- undo ran: a retried activity that finds them set runs nothing again.
alter table drills add column break_with text not null default 'version';
alter table drills add column broken_at timestamptz;
alter table drills add column undone_at timestamptz;
