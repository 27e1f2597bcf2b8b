#!/bin/sh
# A small migration tool, as a project would have one behind `npm run db:down`: it keeps the
# applied versions in app_migrations and runs the golang-style files next door, one migration per
# transaction. The connection comes from PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD.
#   migrate.sh PSQL up N | down | down-to N | current | applied
set -eu
psql_bin=$1
shift
dir=$(cd "$(dirname "$0")/../golang" && pwd)

sql() {
  "$psql_bin" -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}

sql -c "create table if not exists app_migrations (version int primary key)" >/dev/null

current() {
  sql -c "select coalesce(max(version), 0) from app_migrations"
}

down_one() {
  v=$(current)
  if [ "$v" = 0 ]; then
    echo "nothing to revert" >&2
    exit 1
  fi
  sql -1 -f "$(ls "$dir"/"${v}"_*.down.sql)" -c "delete from app_migrations where version = $v"
  echo "reverted $v"
}

case "$1" in
  up)
    for f in "$dir"/*.up.sql; do
      v=$(basename "$f" | cut -d_ -f1)
      if [ "$v" -le "$2" ] && [ "$v" -gt "$(current)" ]; then
        sql -1 -f "$f" -c "insert into app_migrations values ($v)"
      fi
    done
    ;;
  down) down_one ;;
  down-to)
    case "$2" in *[!0-9]*|'') echo "not a version: $2" >&2; exit 2 ;; esac
    while [ "$(current)" -gt "$2" ]; do down_one; done
    ;;
  current) current ;;
  applied) sql -c "select version from app_migrations order by version" ;;
  *) echo "usage: migrate.sh PSQL up N | down | down-to N | current | applied" >&2; exit 2 ;;
esac
