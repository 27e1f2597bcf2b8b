#!/bin/sh
# A stand-in for a platform's CLI (Heroku, Render, systemd...) that the `command` adapter drives in
# the load test: state in files under the state directory, one line per deploy in `deploys`.
#   platform.sh STATE_DIR deploy|current|versions|health|stop|start SERVICE [VERSION]
set -eu
state="$1"; cmd="$2"; service="$3"; version="${4:-}"
dir="$state/$service"
mkdir -p "$dir"
case "$cmd" in
  deploy)
    printf '%s\n' "$version" > "$dir/current.tmp" && mv "$dir/current.tmp" "$dir/current"
    printf '%s\n' "$version" >> "$dir/deploys" ;;
  current) cat "$dir/current" ;;
  versions) cat "$dir/versions" ;;
  health) [ -f "$dir/current" ] ;;
  stop) echo stopped > "$dir/state" ;;
  start) echo running > "$dir/state" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
