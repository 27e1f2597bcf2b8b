#!/bin/sh
# Swaps two MariaDB databases by moving their tables, as MariaDB cannot rename a database: the
# tables of LIVE go to KEEP (created here), those of INCOMING to LIVE, in one RENAME TABLE
# statement (atomic: all or nothing), then the empty INCOMING is dropped.
#   swap.sh OPTION_FILE LIVE INCOMING KEEP
set -eu
cnf=$1
live=$2
incoming=$3
keep=$4

sql() {
  mysql --defaults-file="$cnf" -N -B "$@"
}

renames=$(sql -e "set session group_concat_max_len = 1048576; select group_concat(concat('\`', table_schema, '\`.\`', table_name, '\` to \`',
    if(table_schema = '$live', '$keep', '$live'), '\`.\`', table_name, '\`')
    order by table_schema = '$incoming', table_name separator ', ')
  from information_schema.tables where table_schema in ('$live', '$incoming')")
sql -e "create database if not exists \`$keep\`"
if [ "$renames" != NULL ] && [ -n "$renames" ]; then
  sql -e "set foreign_key_checks = 0; rename table $renames"
fi
sql -e "drop database \`$incoming\`"
