#!/usr/bin/env bash
# End-to-end checks of `cloudtwin diff` (docs/diff.md): what a change opens and closes between two
# networks or a Terraform plan's prior_state and planned_values; exit 0 unchanged, 1 changed
# (--fail-on), 2 bad input, 3 inconclusive; text, JSON and markdown.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-diff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
data="$root/../shared/data"

# The same network twice: nothing changed.
expect "unchanged" 0 "Reachability unchanged: 0 rows opened, 0 closed; 0 resources changed" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$ex/hybrid.yaml"

# The database's group admits the VPC's CIDR instead of the app tier: the rule changed, but only
# the app tier's instances send from the VPC, so no packet's fate did.
sed 's/{protocol: tcp, port: 5432, security_group: app, description: only the app tier}/{protocol: tcp, port: 5432, cidr: 10.0.0.0\/16}/' \
  "$ex/hybrid.yaml" >"$tmp/same.yaml"
expect "a rule rewritten to the same packets" 0 "Reachability unchanged: 0 rows opened, 0 closed; 1 resource changed" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/same.yaml"
# The database's group also admits the data centre: new paths from on premises, none from the
# internet, none lost.
sed '/only the app tier}/a\      - {protocol: tcp, port: 5432, cidr: 192.168.0.0/16}' "$ex/hybrid.yaml" >"$tmp/wider.yaml"
expect "wider db rule changes reachability" 1 "Reachability changed: [1-9][0-9]* rows? opened" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml"
expect "the change is listed with its line" 1 "changed security group db \(sg-db\)  .*wider.yaml:56:5" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml"
expect "the rule lines that went and came" 1 "\+ \{protocol: tcp, port: 5432, cidr: 192.168.0.0/16\}" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml"
expect "an opened row names its cause" 1 "because: security group db \(sg-db\) changed \(.*wider.yaml:56:5\)" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml"
expect "an opened row shows the packet blocked before" 1 "before: blocked: ENI_SG_RULES_MISMATCH" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml"
expect "fail on new exposure only: internal paths pass" 0 "OPENED" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --fail-on new-exposure
expect "fail-on never" 0 "" -- "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --fail-on never
expect "reverse: the same rows closed" 1 "0 rows opened, [1-9][0-9]* closed" -- \
  "$bin" diff "$tmp/wider.yaml" --after "$ex/hybrid.yaml"
expect "fail on opened: only closing passes" 0 "CLOSED" -- \
  "$bin" diff "$tmp/wider.yaml" --after "$ex/hybrid.yaml" --fail-on opened

# One question: app-a to db on 5432 was open before and after; the data centre to db is new.
expect "query unchanged" 0 "unchanged" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --from app-a --to db --port 5432
expect "query changed" 1 "OPENED: dc -> db" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --from dc --to db
"$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --json >"$tmp/diff.json"
expect "json document" 0 "" -- python3 -c "
import json
d = json.load(open('$tmp/diff.json'))
assert d['schema'] == 'cloudtwin/diff/v1' and d['verdict'] == 'changed', d['verdict']
assert d['opened'] > 0 and d['closed'] == 0
ch = d['resource_changes']
assert [c['name'] for c in ch] == ['db'] and ch[0]['action'] == 'changed', ch
assert ch[0]['location_after']['line'] == 56
rows = [r for s in d['sections'] for r in s['rows']]
assert all(r['change'] == 'opened' and r['certain'] for r in rows)
assert all(r['causes'] == [0] for r in rows), [r['causes'] for r in rows]
assert all(r['after']['verdict'] == 'reachable' and r['before']['verdict'] == 'blocked' for r in rows)
assert all(r['protocol'] == 'tcp' for r in rows)
"
expect "markdown for a pull request" 1 '\| opened \| .* \| `tcp 5432' -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --format markdown
expect "markdown has the path diagram" 1 '```mermaid' -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --format markdown
expect "report to a file" 1 "reachability changed: .* report in" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" -o "$tmp/report.txt"
expect "the file holds the report" 0 "OPENED" -- cat "$tmp/report.txt"

# SARIF and JUnit: the opened row is a finding located on the rule that admits it (the line the
# sed above added, 57 + 3), with a fingerprint that survives moved lines.
"$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --format sarif >"$tmp/diff.sarif"
expect "sarif: one diff/opened result on the added rule" 0 "" -- python3 -c "
import json
r = json.load(open('$tmp/diff.sarif'))['runs'][0]['results']
assert [x['ruleId'] for x in r] == ['diff/opened'], r
loc = r[0]['locations'][0]['physicalLocation']
assert loc['artifactLocation']['uri'].endswith('wider.yaml') and loc['region']['startLine'] == 60, loc
assert r[0]['partialFingerprints']
"
{ printf '# moved\n\n'; cat "$tmp/wider.yaml"; } >"$tmp/moved.yaml"
"$bin" diff "$ex/hybrid.yaml" --after "$tmp/moved.yaml" --format sarif >"$tmp/moved.sarif"
expect "sarif: the fingerprint stays when lines move" 0 "" -- python3 -c "
import json
a = json.load(open('$tmp/diff.sarif'))['runs'][0]['results'][0]
b = json.load(open('$tmp/moved.sarif'))['runs'][0]['results'][0]
assert a['partialFingerprints'] == b['partialFingerprints']
assert b['locations'][0]['physicalLocation']['region']['startLine'] == 62"
expect "junit: the opened row fails" 1 '<failure message="opened: ' -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --format junit
expect "junit: nothing changed is one passing case" 0 'testcase name="reachability unchanged"' -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$ex/hybrid.yaml" --format junit

# Baselines and suppressions (docs/ci.md): an accepted change stops failing.
expect "write a baseline" 1 "" -- "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" \
  --write-baseline "$tmp/baseline.json"
expect "the baselined row no longer fails" 0 "in the baseline" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --baseline "$tmp/baseline.json"
printf 'suppressions:\n  - rule: diff/opened\n    reason: the data centre needs the database (CHANGE-42)\n' >"$tmp/suppress.yaml"
expect "a suppressed row no longer fails, with its reason" 0 "suppressed: the data centre needs the database" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --suppressions "$tmp/suppress.yaml"
printf 'suppressions:\n  - rule: diff/opened\n' >"$tmp/no-reason.yaml"
expect "a suppression without a reason is an error" 2 "no-reason.yaml:2:5: error" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --suppressions "$tmp/no-reason.yaml"

# New internet exposure: a public instance whose group opens PostgreSQL to the world.
cp "$root/tests/cli/data/public-https.yaml" "$tmp/public.yaml"
sed 's/port: 443, cidr/port: 5432, cidr/' "$tmp/public.yaml" >"$tmp/public-db.yaml"
expect "new exposure fails --fail-on new-exposure" 1 "OPENED: internet -> every network interface" -- \
  "$bin" diff "$tmp/public.yaml" --after "$tmp/public-db.yaml" --fail-on new-exposure
expect "new exposure is ranked" 1 "CRITICAL: PostgreSQL" -- \
  "$bin" diff "$tmp/public.yaml" --after "$tmp/public-db.yaml"
printf 'extends: default\nentries:\n  - {rule: pg-open, name: Reporting DB, protocol: tcp, ports: 5432, risk: low}\n' >"$tmp/risks.yaml"
expect "new exposure rated by a risk table" 1 "LOW: Reporting DB \(tcp 5432\) open to the whole internet" -- \
  "$bin" diff "$tmp/public.yaml" --after "$tmp/public-db.yaml" --risk-table "$tmp/risks.yaml"
printf 'entries:\n  - {rule: pg-open, protocol: tcp, ports: 5432, risk: dire}\n' >"$tmp/bad-risks.yaml"
expect "a bad risk table is a located error" 2 "bad-risks.yaml:2:.*error" -- \
  "$bin" diff "$tmp/public.yaml" --after "$tmp/public-db.yaml" --risk-table "$tmp/bad-risks.yaml"
expect "closed exposure" 1 "CLOSED: internet -> every network interface" -- \
  "$bin" diff "$tmp/public.yaml" --after "$tmp/public-db.yaml"
# An instance added: everything it is reached at is new, and the before side says it was not there.
printf '  - {name: web2, subnet: public, private_ip: 10.0.0.11, public_ip: 198.18.0.11, security_groups: [db]}\n' \
  | cat "$tmp/public.yaml" - >"$tmp/public-two.yaml"
expect "a new instance" 1 "added instance web2" -- "$bin" diff "$tmp/public.yaml" --after "$tmp/public-two.yaml"

# Inconclusive: the rule's peer becomes unknown offline: only maybe-closed, exit 3.
sed 's/port: 443, cidr: 0.0.0.0\/0}/port: 443, unknown: peer of another account}/' "$tmp/public.yaml" >"$tmp/unknown.yaml"
expect "inconclusive change exits 3" 3 "" -- "$bin" diff "$tmp/public.yaml" --after "$tmp/unknown.yaml"

# A Terraform plan: prior_state before, planned_values after.
for plan in tfc-issue-249-route53-sg-plan.json checkov-runner-plan-tfplan.json checkov-for-each-tf_plan.json; do
  "$bin" diff -q "$data/terraform/$plan" --json >"$tmp/plan.json" 2>"$tmp/plan.err"
  status=$?
  expect "plan $plan runs" 0 "" -- test "$status" -le 3 -a "$status" -ne 2
  expect "plan $plan names both sides" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/plan.json'))
assert d['before'][0].endswith('(prior_state)') and d['after'][0].endswith('(planned_values)')"
done
# checkov-runner's plan creates the whole network: its instances are all new.
expect "a plan that creates a network" 1 "added" -- "$bin" diff -q "$data/terraform/checkov-runner-plan-tfplan.json"

# Bad input: exit 2 with the reason.
expect "no after" 2 "no network after the change" -- "$bin" diff "$ex/hybrid.yaml"
expect "a state is not a plan" 2 "no .prior_state." -- "$bin" diff "$ex/terraform/hybrid.json"
expect "missing after file" 2 "missing.yaml" -- "$bin" diff "$ex/hybrid.yaml" --after "$tmp/missing.yaml"
printf 'vpcs:\n  - {name: v, cidr_block: 10.0.0.0/33}\n' >"$tmp/bad.yaml"
expect "bad after network located" 2 "bad.yaml:2:.*error" -- "$bin" diff "$ex/hybrid.yaml" --after "$tmp/bad.yaml"
expect "from without to" 2 "--from and --to go together" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --from app-a
expect "a party in neither network" 2 "--from: .*in neither network" -- \
  "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --from nosuch --to db
expect "bad fail-on" 2 "" -- "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --fail-on sometimes
expect "bad format" 2 "" -- "$bin" diff "$ex/hybrid.yaml" --after "$tmp/wider.yaml" --format xml

echo "diff: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
