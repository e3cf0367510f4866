#!/usr/bin/env bash
# Hostile and unlucky inputs (issue 9, section 3): each must end in a clear message and exit 2,
# never a crash, a hang or unbounded memory, and nothing may be written.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-hostile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
# A run may not take longer than this many seconds (generous for ASan on a loaded machine); a
# hang is a failure, not a stuck test.
limit=60
run() { timeout "$limit" "$@"; }

# "A" repeated KIB kibibytes.
big() { head -c "$(($1 * 1024))" /dev/zero | tr '\0' A; }

# Scalars of 128 KiB-1 MiB overflowed the YAML arena (heap write out of bounds, then SIGSEGV).
for kib in 200 600 1024; do
  { printf 'vpcs:\n  - name: "'; big "$kib"; printf '"\n    cidr_block: 10.0.0.0/16\n'; } >"$tmp/native.yaml"
  expect "native YAML, $kib KiB scalar" 0 "^ok:" -- run "$bin" validate "$tmp/native.yaml"
  { printf 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n      Tags: [{Key: Name, Value: "'
    big "$kib"; printf '"}]\n'; } >"$tmp/template.yaml"
  expect "CloudFormation YAML, $kib KiB scalar" 0 "^ok:" -- run "$bin" validate "$tmp/template.yaml"
  { printf 'rules:\n  - name: "'; big "$kib"; printf '"\n    from: internet\n    to: db\n    expect: nothing\n'; } >"$tmp/policy.yaml"
  expect "policy YAML, $kib KiB scalar" 0 "1 passed" -- run "$bin" check "$ex/hybrid.yaml" --policy "$tmp/policy.yaml"
done

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
