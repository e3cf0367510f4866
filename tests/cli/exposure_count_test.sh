#!/usr/bin/env bash
# `exposure` counts the interfaces it found exposed, not the runs of findings (issue 9): findings
# are ordered by risk, so one interface's findings can be apart (here db-host: critical, then
# ssh-host: high, then db-host: medium) and were counted twice.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-exposure.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

net="$root/tests/cli/data/exposed-interleaved.yaml"
expect "interleaved findings" 0 "^Exposure to the internet: 3 findings on 2 network interfaces \(2 with" -- \
  "$bin" exposure "$net"
expect "risk order kept" 0 "" -- sh -c "'$bin' exposure '$net' | grep -E '^(CRITICAL|HIGH|MEDIUM)' | sed 's/: .*/:/' | tr -s ' ' | paste -sd '|' | grep -qx 'CRITICAL db-host (i-db-host):|HIGH ssh-host (i-ssh-host):|MEDIUM db-host (i-db-host):'"

echo "exposure count: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
