#!/bin/sh
# A stand-in for a provider's CLI that keeps the backups of a managed database itself (Render,
# Heroku): the database is the file STATE/db, the provider's backups are files under
# STATE/backups named by the provider's own IDs (b1, b2, ...).
#   provider.sh STATE identity | capture DIR | done ID | restore ID
set -eu
state=$1
cmd=$2
mkdir -p "$state/backups"
case "$cmd" in
  identity) echo "managed-db-7f3a" ;;
  capture)
    n=$(ls "$state/backups" | wc -l)
    id="b$((n + 1))"
    cp "$state/db" "$state/backups/$id"
    printf '%s\n' "$id" > "$3/backup-id"
    echo "Backing up DATABASE to $id... done" ;;
  done) [ -f "$state/backups/$3" ] ;;
  restore)
    [ -f "$state/backups/$3" ] || { echo "no backup $3" >&2; exit 1; }
    cp "$state/backups/$3" "$state/db"
    echo "$3" >> "$state/restores" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
