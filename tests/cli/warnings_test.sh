#!/usr/bin/env bash
# Warnings (issue 9): repeated "ignored: TYPE" warnings are one line per type; -q silences
# warnings but not errors; analysis verbs close with one note counting what the model left out
# (also under -q, never when nothing was); --strict makes any of it an error (exit 2).
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-warnings.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

net="$root/tests/cli/data/ignored-types.yaml"  # 4 IAM roles and a bucket beside a VPC

expect "grouped by type" 0 "^warning: ignored: 4 AWS::IAM::Role resources \(cloudtwin does not model this type\): RoleA, RoleB, RoleC and 1 more$" -- \
  "$bin" validate "$net"
expect "one of a type keeps its location" 0 "ignored-types.yaml:19:3: warning: \[Bucket\] ignored: AWS::S3::Bucket" -- \
  "$bin" validate "$net"
"$bin" validate "$net" >/dev/null 2>"$tmp/warnings"
expect "one line per type" 0 "^2$" -- sh -c "grep -c '^.*warning' '$tmp/warnings'"
expect "-q: no warnings" 0 "" -- sh -c "'$bin' validate -q '$net' 2>&1 >/dev/null | grep -q . && exit 1 || exit 0"
expect "-q keeps errors" 2 "error" -- "$bin" validate -q "$root/tests/cli/data/missing.yaml"

expect "trace closes with the note" 0 "^note: 2 resource types ignored: see .cloudtwin validate.$" -- \
  "$bin" trace "$net" --from Web --to Db
expect "reach closes with the note" 0 "^note: 2 resource types ignored" -- \
  "$bin" reach "$net" --from Web --to Db
expect "exposure closes with the note" 0 "^note: 2 resource types ignored" -- "$bin" exposure "$net"
expect "diagram closes with the note" 0 "^note: 2 resource types ignored" -- "$bin" diagram "$net"
expect "the note stays under -q" 0 "^note: 2 resource types ignored" -- \
  "$bin" trace -q "$net" --from Web --to Db
expect "the note is last" 0 "^note:" -- sh -c "'$bin' trace '$net' --from Web --to Db 2>&1 | tail -1"
expect "no note when nothing is left out" 0 "" -- \
  sh -c "'$bin' trace '$root/examples/hybrid.yaml' --from app-a --to db 2>&1 >/dev/null | grep -q . && exit 1 || exit 0"

expect "--strict" 2 "error: 5 parts of the network .* errors because --strict is on" -- \
  "$bin" trace --strict "$net" --from Web --to Db
expect "--strict names each" 2 "ignored-types.yaml:15:3: error: \[RoleA\] ignored" -- \
  "$bin" reach --strict "$net" --from Web --to Db
expect "--strict on a complete network" 0 "REACHABLE" -- \
  "$bin" trace --strict "$root/examples/hybrid.yaml" --from 192.168.1.10 --to app-a --port 8080

echo "warnings: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
