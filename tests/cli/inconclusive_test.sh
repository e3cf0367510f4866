#!/usr/bin/env bash
# "Inconclusive" instead of a false answer (issue 9 §1): what depends on something cloudtwin
# cannot know is neither reachable nor blocked, exit status 3, in every verb; a certain answer
# stays certain. Networks: the first document of tests/scenarios/unknowns.yaml (whose questions
# the scenario suite checks hop by hop), and a public centralised-egress stack whose spokes leave
# through AWS Network Firewall endpoints.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-inconclusive.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

net="$tmp/unknowns.yaml"
sed '/^---$/,$d' "$root/tests/scenarios/unknowns.yaml" >"$net"

# trace: the unknown is named; a certain answer keeps its exit status.
expect "trace: unmodelled route target" 3 "INCONCLUSIVE: .*depends on what cloudtwin cannot know" -- \
  "$bin" trace "$net" --from spoke-host --to internet --port 443
expect "trace names the component" 3 "UNSUPPORTED_COMPONENT .*RouteTable rtb-spoke" -- \
  "$bin" trace "$net" --from spoke-host --to internet --port 443
expect "trace json" 3 '"verdict": "inconclusive"' -- \
  "$bin" trace --json "$net" --from spoke-host --to internet --port 443
expect "trace json schema" 3 '"schema": "cloudtwin/trace/v1"' -- \
  "$bin" trace --json "$net" --from spoke-host --to internet --port 443
expect "trace json reachable is for certain" 3 '"reachable": false' -- \
  "$bin" trace --json "$net" --from spoke-host --to internet --port 443
expect "trace: unknown peer" 3 "SG_RULE_PEER_UNKNOWN" -- \
  "$bin" trace "$net" --from app-host --to db-host --port 6379
expect "trace: certain drop after a possible admit" 1 "NOT REACHABLE" -- \
  "$bin" trace "$net" --from app-host --to cache-host --port 6379
expect "trace: certain reach" 0 "REACHABLE" -- "$bin" trace "$net" --from app-host --to db-host --port 22

# reach: inconclusive packets are listed apart; nothing reachable for certain is exit 3.
expect "reach: nothing certain" 3 "INCONCLUSIVE: nothing is reachable for certain" -- \
  "$bin" reach "$net" --from spoke-host --to internet
expect "reach lists the unknown" 3 "unknown: UNSUPPORTED_COMPONENT" -- \
  "$bin" reach "$net" --from spoke-host --to internet
expect "reach json" 3 '"verdict": "inconclusive"' -- "$bin" reach --json "$net" --from spoke-host --to internet
expect "reach: some certain" 0 "REACHABLE for .*INCONCLUSIVE for" -- \
  "$bin" reach "$net" --from app-host --to db-host

# reach --matrix: inconclusive cells, and subnets without interfaces said apart from blocked.
printf '  - {name: empty, vpc: main, availability_zone: us-east-1a, cidr_block: 10.0.9.0/24}\n' >"$tmp/empty"
sed '/^subnets:$/r '"$tmp/empty" "$net" >"$tmp/with-empty.yaml"
expect "matrix: inconclusive cells" 0 "spoke .* -> .*INCONCLUSIVE" -- "$bin" reach --matrix "$tmp/with-empty.yaml"
expect "matrix: empty subnet" 0 "1 subnet has no network interfaces, so nothing to reach from or to: empty" -- \
  "$bin" reach --matrix "$tmp/with-empty.yaml"
expect "matrix json" 0 '"inconclusive_cells": [1-9]' -- "$bin" reach --matrix --json "$tmp/with-empty.yaml"
expect "matrix json interfaces" 0 '"interfaces": 0' -- "$bin" reach --matrix --json "$tmp/with-empty.yaml"

# exposure: a possible exposure is not a certain one.
expect "exposure: maybe" 0 "MAYBE \(inconclusive\)" -- "$bin" exposure "$net"
expect "exposure --fail-on: inconclusive" 3 "" -- "$bin" exposure "$net" --fail-on low
expect "exposure json" 0 '"verdict": "inconclusive"' -- "$bin" exposure --json "$net"

# check: neither pass nor fail, and a policy that checks nothing is not a pass.
cat >"$tmp/policy.yaml" <<'POLICY'
rules:
  - name: spoke-stays-inside
    from: spoke-host
    to: internet
    expect: nothing
  - name: db-to-itself
    from: db-host
    to: db-host
    expect: nothing
  - name: app-reaches-db-ssh
    from: app-host
    to: db-host
    expect: reachable
    protocol: tcp
    ports: 22
POLICY
expect "check: inconclusive" 3 "INCONCLUSIVE .*policy.yaml:2:5 spoke-stays-inside" -- \
  "$bin" check "$net" --policy "$tmp/policy.yaml"
expect "check: checks nothing" 3 "checks nothing" -- "$bin" check "$net" --policy "$tmp/policy.yaml"
expect "check: totals" 3 "3 assertions checked: 1 passed, 0 failed, 2 inconclusive" -- \
  "$bin" check "$net" --policy "$tmp/policy.yaml"
expect "check json" 3 '"verdict": "inconclusive"' -- "$bin" check --json "$net" --policy "$tmp/policy.yaml"
expect "check junit skipped" 3 '<skipped message="inconclusive: ' -- \
  "$bin" check --format junit "$net" --policy "$tmp/policy.yaml"
expect "check sarif warning" 3 '"level": "warning"' -- \
  "$bin" check --format sarif "$net" --policy "$tmp/policy.yaml"

# The public stack that once printed PASS: spokes send internet traffic through the transit
# gateway to Network Firewall endpoints. Read with its firewall (aws-vpc-services.md §6), the
# answer is definite: the policy's only group alerts (strict order, no stateful default action),
# so the flow passes the firewall, then the NAT gateway and the internet gateway.
anfw="$root/../shared/data/cloudformation/anfw-centralized-egress-east-west-2az-template.yaml"
if [ -f "$anfw" ]; then
  printf 'rules:\n  - {name: spoke-a-private, from: EC2SubnetA1, to: internet, expect: nothing}\n' >"$tmp/anfw.yaml"
  expect "anfw: a definite fail through the firewall" 1 "FAIL .*spoke-a-private" -- \
    "$bin" check "$anfw" --policy "$tmp/anfw.yaml"
  expect "anfw: reach, through the firewall" 0 "path: .*arn:aws:network-firewall:[^ ]*firewall/inspection-firewall" -- \
    "$bin" reach "$anfw" --from EC2SubnetA1 --to internet
fi

echo "inconclusive: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
