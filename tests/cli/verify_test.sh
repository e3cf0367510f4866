#!/usr/bin/env bash
# End-to-end checks of the symbolic verbs: `reach` (exit 0 when something reaches, 1 when
# nothing does, 2 on bad input), `exposure` (--fail-on) and `check --scope`.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-verify.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
# reach: the security group of payments admits tcp/8443 from orders and nothing else (aws-vpc.md §1.4).
expect "reach one port" 0 "^  tcp 8443  10.10.1.10 -> 10.20.1.10" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments
expect "reach blocked rows name the code" 0 "ENI_SG_RULES_MISMATCH" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments
expect "reach nothing" 1 "NOTHING is reachable" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --port 22
expect "reach internet egress through the NAT gateway" 0 "nat-egress-nat -> .*igw-egress-igw -> internet" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to internet --protocol tcp
expect "reach internet label" 0 "the internet except 34.240.0.10" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to internet --protocol tcp
expect "reach subnet names" 0 "REACHABLE" -- \
  "$bin" reach "$ex/hybrid.yaml" --from dc --to subnet/private-a --port 8080
expect "reach json" 0 '"reachable": true' -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --json
expect "reach traces" 0 "Forward path" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --port 8443 --traces
expect "reach unknown name" 2 "did you mean .payments." -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to paymnts
expect "reach bad port" 2 "bad port" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --port 99999
expect "reach bad protocol" 2 "unknown protocol" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --protocol tcpp

# --max-rows: the first rows of each section, and how many more there are.
expect "reach max rows" 0 "and 3 more blocked rows" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --max-rows 1
expect "reach bad max rows" 2 "max-rows" -- \
  "$bin" reach "$ex/microservices.yaml" --from orders --to payments --max-rows -1

# reach --matrix: every subnet pair; the microservices' security groups allow four service edges.
expect "matrix" 0 "4 of 64 .from, to. pairs reach" -- "$bin" reach "$ex/microservices.yaml" --matrix
expect "matrix cell" 0 "orders-app-a .* -> payments-app-a .*: tcp 8443" -- \
  "$bin" reach "$ex/microservices.yaml" --matrix
expect "matrix json" 0 '"reaches": "tcp 8443"' -- "$bin" reach "$ex/microservices.yaml" --matrix --json
expect "matrix with from" 2 "takes no --from" -- "$bin" reach "$ex/microservices.yaml" --matrix --from orders
expect "reach without ends" 2 "are required" -- "$bin" reach "$ex/microservices.yaml"

# exposure: the load balancers' nodes answer tcp/443 to the whole internet, and so do the apps
# behind them (through the listener), nothing else.
expect "exposure lists the load balancers" 0 "LOW +web-lb-use1 .*HTTPS|LOW +web-lb-use1" -- \
  "$bin" exposure "$ex/global-service.yaml"
expect "exposure lists the app behind a load balancer" 0 "LOW +app-use1 .*tcp 443\)? open" -- \
  "$bin" exposure "$ex/global-service.yaml"
expect "exposure names the load balancer in front" 0 "through load balancer web-lb-euw1 .*listener TCP 443" -- \
  "$bin" exposure "$ex/global-service.yaml"
expect "exposure whole internet" 0 "open to the whole internet" -- \
  "$bin" exposure "$ex/global-service.yaml"
expect "exposure fail-on low" 1 "web-lb-euw1" -- \
  "$bin" exposure "$ex/global-service.yaml" --fail-on low
expect "exposure fail-on high passes" 0 "" -- \
  "$bin" exposure "$ex/global-service.yaml" --fail-on high
expect "exposure json" 0 '"risk": "low"' -- "$bin" exposure "$ex/global-service.yaml" --json
expect "exposure bad level" 2 "unknown risk" -- "$bin" exposure "$ex/global-service.yaml" --fail-on severe
expect "exposure nothing public" 0 "0 findings" -- "$bin" exposure "$ex/hybrid.yaml"

# check --scope: a Network Access Analyzer scope.
expect "scope passes" 0 "1 passed, 0 failed" -- \
  "$bin" check "$ex/global-service.yaml" --scope "$root/tests/scopes/aws_guide_example.json"
expect "scope names what is not there" 2 "holds nothing named .use1-public-a." -- \
  "$bin" check "$ex/microservices.yaml" --scope "$root/tests/scopes/aws_guide_example.json"
expect "scope bad json" 2 "unknown resource type" -- \
  "$bin" check "$ex/microservices.yaml" --scope "$root/tests/scopes/bad/bad_values.json"
expect "nothing to check" 2 "nothing to check" -- "$bin" check "$ex/microservices.yaml"

# diagram --highlight: a saved `trace --json` draws the same path as --from/--to.
"$bin" trace "$ex/hybrid.yaml" --from 192.168.1.10 --to db --port 5432 --json >"$tmp/trace.json"
"$bin" diagram "$ex/hybrid.yaml" --from 192.168.1.10 --to db --port 5432 | tail -n +3 >"$tmp/a.mmd"
"$bin" diagram "$ex/hybrid.yaml" --highlight "$tmp/trace.json" | tail -n +3 >"$tmp/b.mmd"
if cmp -s "$tmp/a.mmd" "$tmp/b.mmd" && grep -q "ENI_SG_RULES_MISMATCH" "$tmp/b.mmd"; then
  pass=$((pass + 1))
else
  echo "FAIL diagram --highlight differs from --from/--to"; diff "$tmp/a.mmd" "$tmp/b.mmd" | head; fail=$((fail + 1))
fi
echo '{"not": "a trace"}' >"$tmp/bad.json"
expect "diagram --highlight bad file" 2 "is not the JSON of" -- \
  "$bin" diagram "$ex/hybrid.yaml" --highlight "$tmp/bad.json"
expect "diagram --highlight with --from" 2 "give one of them" -- \
  "$bin" diagram "$ex/hybrid.yaml" --highlight "$tmp/trace.json" --from dc --to db

echo "verify verbs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
