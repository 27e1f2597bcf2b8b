-- How a run compared with its SLA once rolled back and verified, e.g. "within SLA (4m12s of 10m)"
-- or "over SLA by 3m05s (13m05s of 10m)"; null for runs without an SLA, dry runs, runs that never
-- got that far and runs from before SLAs. within_sla says the same for queries.
alter table runs add column sla text;
alter table runs add column within_sla boolean;
