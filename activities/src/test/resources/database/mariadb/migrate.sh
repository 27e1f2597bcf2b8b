#!/bin/sh
# A small migration tool for MariaDB, as a project would have one behind `npm run db:down`: it
# keeps the applied versions in app_migrations and runs the files in migrations/, one migration
# at a time. It reaches the server with the client's option file and MYSQL_PWD; when
# MIGRATE_JOURNAL names a file, each migration it reverts is appended there.
#   migrate.sh OPTION_FILE DATABASE up N | down | down-to N | current | applied
set -eu
cnf=$1
db=$2
shift 2
dir=$(cd "$(dirname "$0")" && pwd)/migrations

sql() {
  mysql --defaults-file="$cnf" -N -B "$db" "$@"
}

sql -e "create table if not exists app_migrations (version int primary key)"

current() {
  sql -e "select coalesce(max(version), 0) from app_migrations"
}

down_one() {
  v=$(current)
  if [ "$v" = 0 ]; then
    echo "nothing to revert" >&2
    exit 1
  fi
  sql -e "\\. $(ls "$dir"/"${v}"_*.down.sql)
delete from app_migrations where version = $v"
  if [ -n "${MIGRATE_JOURNAL:-}" ]; then
    echo "reverted $v in $db" >> "$MIGRATE_JOURNAL"
  fi
  echo "reverted $v"
}

case "$1" in
  up)
    for f in "$dir"/*.up.sql; do
      v=$(basename "$f" | cut -d_ -f1)
      if [ "$v" -le "$2" ] && [ "$v" -gt "$(current)" ]; then
        sql -e "\\. $f
insert into app_migrations values ($v)"
      fi
    done
    ;;
  down) down_one ;;
  down-to)
    case "$2" in *[!0-9]*|'') echo "not a version: $2" >&2; exit 2 ;; esac
    while [ "$(current)" -gt "$2" ]; do down_one; done
    ;;
  current) current ;;
  applied) sql -e "select version from app_migrations order by version" ;;
  *) echo "usage: migrate.sh OPTION_FILE DATABASE up N | down | down-to N | current | applied" >&2; exit 2 ;;
esac
