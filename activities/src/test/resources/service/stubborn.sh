#!/usr/bin/env bash
# A service that ignores SIGTERM, to show the process adapter escalates to SIGKILL.
trap '' TERM
echo "stubborn $1 up"
while true; do sleep 1; done
