#!/usr/bin/env bash
# The demo's emergency rollback by hand: the commands the runbook runs, in the order it runs them.
# Usage: rollback.sh SERVICE-ARGV...  (the old version's command line)
# Environment: PGHOST PGPORT PGUSER PGPASSWORD SHOP_DB BACKUP_DIR UNDO_SCRIPT PID_FILE NEW_PID_FILE
#              SERVICE_LOG HEALTH_URL VERSION_URL MARKS (a file: "part time" as each part begins)
set -euo pipefail
mark() { echo "$1 $EPOCHREALTIME" >>"$MARKS"; }

# 1. evidence: the running version and its health
mark evidence
curl -fsS --max-time 5 "$VERSION_URL" >/dev/null
curl -fsS --max-time 5 "$HEALTH_URL" >/dev/null

# 2. the schema version now
mark schema-version
psql -X -qAt -d "$SHOP_DB" -c "select max(version::int) from flyway_schema_history where success" >/dev/null

# 3. backup, as the runbook takes it (directory format, 2 jobs)
mark backup
pg_dump --format=directory --jobs=2 --file="$BACKUP_DIR/backup-$(date +%s%N)" --dbname="$SHOP_DB"

# 4. revert migration 3: its undo script and its history row, in one transaction
mark revert
psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$SHOP_DB" -f "$UNDO_SCRIPT" \
  -c "delete from flyway_schema_history where version = '3'"

# 5. the integrity checks
mark integrity-checks
test "$(psql -X -qAt -d "$SHOP_DB" -c 'select count(*) from orders')" -ge 1
test "$(psql -X -qAt -d "$SHOP_DB" -c 'select count(*) from orders where status is null')" -eq 0

# 6. deploy v1: stop the running process, start the old version, wait until it is healthy
mark deploy
pid="$(cut -d' ' -f1 "$PID_FILE")"
kill -TERM "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
setsid "$@" </dev/null >>"$SERVICE_LOG" 2>&1 &
echo $! >"$NEW_PID_FILE"
until curl -fsS --max-time 1 "$HEALTH_URL" >/dev/null 2>&1; do sleep 0.2; done

# 7. verify: health and version
mark verify
curl -fsS --max-time 5 "$HEALTH_URL" >/dev/null
curl -fsS --max-time 5 "$VERSION_URL" | grep -q '"v1"'
mark end
