#!/usr/bin/env bash
# End-to-end checks of the cloudtwin executable: the command-line contract of DESIGN.md
# (exit 0 reachable/valid, 1 unreachable, 2 bad input) and the shapes of its output.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
for f in hybrid microservices global-service; do
  expect "validate $f" 0 "^ok:" -- "$bin" validate "$ex/$f.yaml"
done
expect "validate json" 0 '"valid": true' -- "$bin" validate --json "$ex/hybrid.yaml"
expect "validate json schema" 0 '"schema": "cloudtwin/validate/v1"' -- "$bin" validate --json "$ex/hybrid.yaml"
expect "reach from internet:ADDRESS" 1 "^Reach internet:203.0.113.5 -> app-a: NOTHING" -- "$bin" reach "$ex/hybrid.yaml" --from internet:203.0.113.5 --to app-a
expect "reach from internet:private" 2 "holds no public address" -- "$bin" reach "$ex/hybrid.yaml" --from internet:10.0.0.1 --to app-a
expect "reach from internet:garbage" 2 "is not internet:ADDRESS or internet:CIDR" -- "$bin" reach "$ex/hybrid.yaml" --from internet:banana --to app-a
expect "validate json, bad input" 2 '"schema": "cloudtwin/validate/v1"' -- "$bin" validate --json /dev/null
expect "trace reachable" 0 "^REACHABLE" -- "$bin" trace "$ex/hybrid.yaml" --from 192.168.1.10 --to app-a --port 8080
expect "trace unreachable" 1 "ENI_SG_RULES_MISMATCH" -- "$bin" trace "$ex/hybrid.yaml" --from 192.168.1.10 --to db --port 5432
expect "trace json" 1 '"code": "ENI_SG_RULES_MISMATCH"' -- "$bin" trace --json "$ex/hybrid.yaml" --from 192.168.1.10 --to db --port 5432
expect "trace json shape" 0 '"return": \[' -- "$bin" trace --json "$ex/hybrid.yaml" --from app-a --to db --port 5432
expect "trace icmp blocked by SG" 1 "no ingress rule.*allows icmp" -- "$bin" trace "$ex/hybrid.yaml" --from app-a --to db --protocol icmp
expect "trace internet v6" 0 "REACHABLE" -- "$bin" trace "$ex/global-service.yaml" --from internet:2600:1f18::1 --to web-lb-use1
expect "trace through a load balancer" 0 "LoadBalancerTargetGroup +tg-web-use1 .*port 8080" -- "$bin" trace "$ex/global-service.yaml" --from internet --to app-use1 --port 443
expect "load balancer without the listener" 2 "has no listener on port .80.*its listeners: 443" -- "$bin" trace "$ex/global-service.yaml" --from internet --to web-lb-use1:80
expect "merge two files" 0 "^ok:" -- "$bin" validate "$ex/hybrid.yaml" "$ex/microservices.yaml"
if command -v python3 >/dev/null; then
  "$bin" trace --json "$ex/microservices.yaml" --from payments --to internet:203.0.113.50 >"$tmp/trace.json"
  expect "json parses" 0 "" -- python3 -c "import json,sys; d=json.load(open('$tmp/trace.json')); assert d['reachable'] and d['forward'] and d['return'] and 'explanations' in d"
fi

# Bad input: a located error and exit 2, never a crash.
printf 'vpcs:\n  - name: a\n    cidr_block: 10.0.0.0/33\n' >"$tmp/bad-cidr.yaml"
expect "bad cidr" 2 "bad-cidr.yaml:3:" -- "$bin" validate "$tmp/bad-cidr.yaml"
printf 'vpcs:\n  - name: a\n    cidr_blok: 10.0.0.0/16\n' >"$tmp/typo.yaml"
expect "unknown field hint" 2 "did you mean .cidr_block" -- "$bin" validate "$tmp/typo.yaml"
printf 'vpcs: [\n  {name: a\n' >"$tmp/broken.yaml"
expect "malformed yaml" 2 "broken.yaml:" -- "$bin" validate "$tmp/broken.yaml"
printf 'vpcs:\n  - {name: a, cidr_block: 10.0.0.0/16}\nsubnets:\n  - {name: s, vpc: nope, cidr_block: 10.0.1.0/24}\n' >"$tmp/dangling.yaml"
expect "dangling reference" 2 "dangling.yaml:4:.*no VPC .nope" -- "$bin" validate "$tmp/dangling.yaml"
expect "missing file" 2 "missing.yaml" -- "$bin" validate "$tmp/missing.yaml"
expect "trace on bad network" 2 "error" -- "$bin" trace "$tmp/typo.yaml" --from a --to b
expect "unknown endpoint" 2 "did you mean .app-a" -- "$bin" trace "$ex/hybrid.yaml" --from app-aa --to db
expect "bad protocol" 2 "bad --protocol" -- "$bin" trace "$ex/hybrid.yaml" --from app-a --to db --protocol tcpp
expect "bad port" 2 "" -- "$bin" trace "$ex/hybrid.yaml" --from app-a --to db --port 70000
expect "internet gateway drops RFC 1918 sources" 1 "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS" -- "$bin" trace "$ex/global-service.yaml" --from internet:10.1.1.1 --to web-lb-use1
expect "malformed --param" 2 "not Key=Value" -- "$bin" validate "$ex/hybrid.yaml" --param nokey
expect "no verb" 2 "" -- "$bin"
expect "unknown verb" 2 "" -- "$bin" frobnicate

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
