#!/usr/bin/env bash
# A small stand-in for a platform CLI (heroku, render, systemctl...) for the command adapter's
# tests. It works in its current directory: records each call's arguments (one per line, then a
# line "--") in calls.log, and keeps <service>.version, <service>.releases and <service>.state.
{ printf '%s\n' "$@"; echo "--"; } >> calls.log
command="$1"
service="$2"
case "$command" in
  deploy)
    if [ -f fail-deploy ]; then
      echo "deploy failed: the registry did not answer" >&2
      exit 1
    fi
    echo "$3" > "$service.version"
    echo "$3" >> "$service.releases"
    echo running > "$service.state"
    ;;
  current) cat "$service.version" ;;
  describe)
    # Like many platform CLIs: a banner on stdout, what it found on stderr.
    echo "platform 2.1 (logged in as ci)"
    echo "$service: running release-$(cat "$service.version") since 02:00 (previous: release-none)" >&2
    ;;
  history) tac "$service.releases" | sed 's/^/  * release-/; s/$/  ok/' ;;
  releases) tac "$service.releases" ;;
  stop) echo stopped > "$service.state" ;;
  start) echo running > "$service.state" ;;
  status) [ "$(cat "$service.state" 2>/dev/null)" = running ] ;;
  *) echo "platform: unknown command $command" >&2; exit 2 ;;
esac
