#!/usr/bin/env bash
# Findings of `exposure` and `check` where developers see them (docs/ci.md): every format
# validated against its schema (SARIF 2.1.0's JSON schema, the Jenkins/Ant junit-10.xsd, kept in
# tests/data/schemas), SARIF locations on the line that holds the rule or resource, fingerprints
# that survive moved lines, baselines, suppressions (file, inline tag, expiry) and risk tables,
# with every bad file reported at its line and column.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-findings.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

schemas="$root/tests/data/schemas"
shared="$root/../shared/data"
ex="$root/examples"
pol="$root/tests/policies"
interleaved="$root/tests/cli/data/exposed-interleaved.yaml"
export CLOUDTWIN_TODAY=2026-03-01  # suppressions' `expires` is compared with this day

# The validators: SARIF against the OASIS schema (Draft 4), JUnit against junit-10.xsd.
sarif_valid() {
  python3 - "$schemas/sarif-schema-2.1.0.json" "$1" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:5]:
    print("invalid:", list(e.path), e.message[:300])
sys.exit(1 if errors else 0)
EOF
}
junit_valid() { xmllint --noout --schema "$schemas/junit-10.xsd" "$1"; }

# Every format of exposure and check, on networks of every input format.
i=0
for net in "$interleaved" "$ex/global-service.yaml" "$ex/hybrid.yaml" \
  "$shared/cloudformation/cfn-endpoint-waitcondition.yaml" \
  "$shared/cloudformation/awslabs-community-vpc_template.json" \
  "$shared/terraform/checkov-runner-plan-tfplan.json" "$shared/aws-cli/pybatfish-hybrid-cloud"; do
  [ -e "$net" ] || { echo "skip: $net not here"; continue; }
  i=$((i + 1))
  name=$(basename "$net")
  for format in sarif junit json text; do
    "$bin" exposure "$net" --format "$format" --output "$tmp/x$i.$format" 2>"$tmp/err"
    expect "exposure $format on $name: exit 0" 0 "" -- test $? -eq 0
  done
  expect "exposure sarif valid on $name" 0 "" -- sarif_valid "$tmp/x$i.sarif"
  expect "exposure junit valid on $name" 0 "" -- junit_valid "$tmp/x$i.junit"
  expect "exposure json parses on $name" 0 "" -- python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/x$i.json"
  # The SARIF location of each result is the line that holds what the finding is about: the
  # security group rule that admits the packets (its port, or its all-traffic protocol, is on
  # the rule's lines) or, failing that, the resource's id or name.
  expect "exposure sarif locations hold the rule on $name" 0 "" -- python3 - "$tmp/x$i.sarif" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
run = d["runs"][0]
base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"][len("file://"):]
bad = []
for r in run["results"]:
    loc = r["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    path = uri if uri.startswith("/") else base + uri
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    line = loc["region"]["startLine"]
    col = loc["region"]["startColumn"]
    text = lines[line - 1]
    what = r["locations"][0]["message"]["text"]
    if col > len(text) + 1 or not text[col - 1:].strip():
        bad.append((uri, line, "nothing at the column", text)); continue
    # The rule's or resource's own lines: the first, and those indented deeper after it (a
    # block mapping's keys, a JSON object's members), so a neighbour's port does not count.
    indent = len(text) - len(text.lstrip())
    own = [text]
    for nxt in lines[line:line + 40]:
        if not nxt.strip() or len(nxt) - len(nxt.lstrip()) <= indent:
            break
        own.append(nxt)
    window = "\n".join(own)
    if what.startswith("ingress rule of security group"):
        # The finding's own first port (not the location's words) is on the rule's lines, or
        # the rule admits every port or protocol (-1, all, 0-65535).
        props = r["properties"]
        ports = props.get("destination_ports") or []
        first = ports[0].split("-")[0] if ports and props.get("protocol") in ("tcp", "udp") else None
        wide = re.search(r"-1\b|\ball\b|65535|\bany\b", window, re.I) is not None
        port_ok = (first is not None and re.search(r"\b%s\b" % first, window) is not None) or wide or first is None
        # JSON readers (Terraform, AWS CLI) make one rule per source range and locate it there.
        source = re.search(r" from (\S+)", what)
        source_ok = source is None or source.group(1) in window
        ok = port_ok or (uri.endswith(".json") and source_ok)
    else:
        ids = [r["properties"]["resource"]["id"]] + re.findall(r"[\w.-]+", what)
        ok = any(x in window for x in ids if len(x) > 2)
    if not ok:
        bad.append((uri, line, what, text))
for b in bad: print("not at the rule:", b)
sys.exit(1 if bad else 0)
EOF
done

# check: every format, valid.
for format in sarif junit; do
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --format "$format" --output "$tmp/c.$format" 2>/dev/null
  expect "check $format exit 1 on a violation" 0 "" -- test $? -eq 1
  "$bin" check "$ex/microservices.yaml" --policy "$pol/microservices.yaml" --policy "$pol/microservices-violations.yaml" \
    --format "$format" --output "$tmp/c2.$format" 2>/dev/null
done
expect "check sarif valid" 0 "" -- sarif_valid "$tmp/c.sarif"
expect "check sarif valid (two files)" 0 "" -- sarif_valid "$tmp/c2.sarif"
expect "check junit valid" 0 "" -- junit_valid "$tmp/c.junit"
expect "check junit valid (two files)" 0 "" -- junit_valid "$tmp/c2.junit"
expect "check rule ids are policy/NAME" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/c.sarif'))
ids = {r['ruleId'] for r in d['runs'][0]['results']}
assert 'policy/dc-reaches-db' in ids, ids
rules = d['runs'][0]['tool']['driver']['rules']
assert all(r['properties']['tags'][0] == 'security' and float(r['properties']['security-severity']) >= 7 for r in rules)"

# ---- exposure findings on the native YAML example ----------------------------------------------
"$bin" exposure "$interleaved" --format sarif >"$tmp/a.sarif"
expect "rule ids from the risk table" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/a.sarif'))
res = d['runs'][0]['results']
ids = sorted(r['ruleId'] for r in res)
assert ids == ['exposure/open-to-internet', 'exposure/postgresql-open', 'exposure/ssh-open'], ids
rules = {r['id']: r for r in d['runs'][0]['tool']['driver']['rules']}
assert rules['exposure/postgresql-open']['properties']['security-severity'] == '9.5'
assert rules['exposure/ssh-open']['properties']['security-severity'] == '8.0'
pg = [r for r in res if r['ruleId'] == 'exposure/postgresql-open'][0]
assert pg['level'] == 'error'
# The SG rule's line: '      - {protocol: tcp, ports: 5432, cidr: 0.0.0.0/0}' is line 18.
assert pg['locations'][0]['physicalLocation']['region']['startLine'] == 18, pg['locations']
assert pg['relatedLocations'][0]['physicalLocation']['region']['startLine'] == 25
assert pg['suppressions'] == []
# The OpenVPN row's rule is the next line, though its example trace may be the PostgreSQL packet.
vpn = [r for r in res if r['ruleId'] == 'exposure/open-to-internet'][0]
assert vpn['locations'][0]['physicalLocation']['region']['startLine'] == 19, vpn['locations']"

# Fingerprints survive moved lines: the same network with blank lines and comments inserted.
awk 'NR==3{print "# a comment\n"} /^security_groups:/{print "\n# groups follow\n"} {print}' "$interleaved" >"$tmp/moved.yaml"
"$bin" exposure "$tmp/moved.yaml" --format sarif >"$tmp/moved.sarif"
expect "fingerprints stable when lines move" 0 "" -- python3 -c "
import json
def fp(p):
    d = json.load(open(p)); res = d['runs'][0]['results']
    return sorted(r['partialFingerprints']['cloudtwinFinding/v1'] for r in res), sorted(r['locations'][0]['physicalLocation']['region']['startLine'] for r in res)
a, la = fp('$tmp/a.sarif'); b, lb = fp('$tmp/moved.sarif')
assert a == b and la != lb, (a, b, la, lb)"

# ---- baselines ----------------------------------------------------------------------------------
expect "write a baseline" 0 "" -- "$bin" exposure "$interleaved" --write-baseline "$tmp/base.json"
expect "baseline schema" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/base.json'))
assert d['schema'] == 'cloudtwin/baseline/v1' and len(d['findings']) == 3"
expect "baselined criticals do not fail" 0 "3 findings in the baseline" -- \
  "$bin" exposure "$interleaved" --baseline "$tmp/base.json" --fail-on critical
# A new exposure: a third instance with RDP open.
cp "$interleaved" "$tmp/more.yaml"
cat >>"$tmp/more.yaml" <<'EOF'
  - {name: rdp-host, subnet: public, private_ip: 10.0.0.30, public_ip: 198.51.100.30, security_groups: [rdp]}
EOF
sed -i 's/^instances:/  - name: rdp\n    vpc: v\n    ingress:\n      - {protocol: tcp, ports: 3389, cidr: 0.0.0.0\/0}\ninstances:/' "$tmp/more.yaml"
expect "only the new finding fails" 1 "HIGH +rdp-host" -- \
  "$bin" exposure "$tmp/more.yaml" --baseline "$tmp/base.json" --fail-on high
expect "only the new finding is listed" 0 "" -- sh -c "'$bin' exposure '$tmp/more.yaml' --baseline '$tmp/base.json' 2>/dev/null | grep -cE '^(CRITICAL|HIGH|MEDIUM|LOW) ' | grep -qx 1"
"$bin" exposure "$tmp/more.yaml" --baseline "$tmp/base.json" --format sarif >"$tmp/new.sarif" 2>/dev/null
expect "baseline: sarif has the new result only" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/new.sarif')); res = d['runs'][0]['results']
assert [r['ruleId'] for r in res] == ['exposure/rdp-open'] and res[0]['baselineState'] == 'new', res"
expect "baseline: sarif valid" 0 "" -- sarif_valid "$tmp/new.sarif"
"$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --write-baseline "$tmp/cbase.json" >/dev/null 2>&1
expect "check: baselined violations pass" 0 "in the baseline" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --baseline "$tmp/cbase.json"
printf '{"schema": "cloudtwin/baseline/v2", "findings": []}\n' >"$tmp/bad-base.json"
expect "baseline: wrong schema located" 2 "bad-base.json:1:12: error: .schema." -- \
  "$bin" exposure "$interleaved" --baseline "$tmp/bad-base.json"
printf '{"schema": "cloudtwin/baseline/v1",\n "findings": [{"fingerprint": 12}]}\n' >"$tmp/bad-fp.json"
expect "baseline: bad fingerprint located" 2 "bad-fp.json:2:31: error: .fingerprint." -- \
  "$bin" exposure "$interleaved" --baseline "$tmp/bad-fp.json"
expect "baseline: missing file" 2 "nothere.json" -- "$bin" exposure "$interleaved" --baseline "$tmp/nothere.json"

# ---- suppressions: a file ----------------------------------------------------------------------
cat >"$tmp/supp.yaml" <<'EOF'
suppressions:
  - rule: exposure/postgresql-open
    resource: db-*
    reason: the database is a public read replica
    expires: 2026-12-31
EOF
expect "suppressed critical does not fail" 0 "reason: the database is a public read replica \(.*supp.yaml:2:5\)" -- \
  "$bin" exposure "$interleaved" --suppressions "$tmp/supp.yaml" --fail-on critical
expect "unsuppressed high still fails" 1 "" -- \
  "$bin" exposure "$interleaved" --suppressions "$tmp/supp.yaml" --fail-on high
"$bin" exposure "$interleaved" --suppressions "$tmp/supp.yaml" --format sarif >"$tmp/s.sarif"
expect "suppression in sarif (external, justification)" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/s.sarif')); res = d['runs'][0]['results']
pg = [r for r in res if r['ruleId'] == 'exposure/postgresql-open'][0]
s = pg['suppressions'][0]
assert s['kind'] == 'external' and s['justification'] == 'the database is a public read replica', s
assert all(r['suppressions'] == [] for r in res if r is not pg)"
expect "suppression: sarif valid" 0 "" -- sarif_valid "$tmp/s.sarif"
"$bin" exposure "$interleaved" --suppressions "$tmp/supp.yaml" --format junit >"$tmp/s.xml"
expect "suppression in junit (skipped)" 0 'skipped message="suppressed: the database is a public read replica"' -- cat "$tmp/s.xml"
expect "suppression: junit valid" 0 "" -- junit_valid "$tmp/s.xml"
sed 's/2026-12-31/2026-02-28/' "$tmp/supp.yaml" >"$tmp/expired.yaml"
expect "expired suppression reported, finding fails again" 1 "expired.yaml:2:5: warning: the suppression of exposure/postgresql-open on db-\* expired on 2026-02-28" -- \
  "$bin" exposure "$interleaved" --suppressions "$tmp/expired.yaml" --fail-on critical
printf 'suppressions:\n  - {rule: policy/dc-reaches-db, reason: DC link in migration}\n' >"$tmp/csupp.yaml"
expect "check: suppressed violation listed with its reason" 1 "SUPPRESSED .* dc-reaches-db .*DC link in migration" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --suppressions "$tmp/csupp.yaml"
expect "check: suppressed counted" 1 "1 suppressed" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --suppressions "$tmp/csupp.yaml"

# Bad suppression files: located errors, exit 2, nothing analysed.
printf 'suppressions:\n  - {rule: exposure/ssh-open}\n' >"$tmp/noreason.yaml"
expect "suppression without reason" 2 "noreason.yaml:2:5: error: .*reason" -- \
  "$bin" exposure "$interleaved" --suppressions "$tmp/noreason.yaml"
printf 'suppressions:\n  - {rule: exposure/ssh-open, reason: x, expires: 2026-13-01}\n' >"$tmp/baddate.yaml"
expect "suppression with a bad date" 2 "baddate.yaml:2:51: error: .expires.: .2026-13-01. is not a date" -- \
  "$bin" exposure "$interleaved" --suppressions "$tmp/baddate.yaml"
printf 'suppressions:\n  - {rule: ssh-open, reason: x}\n' >"$tmp/noverb.yaml"
expect "suppression rule without its verb" 2 "noverb.yaml:2:12: error: .rule.: .ssh-open. does not name its verb" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid.yaml" --suppressions "$tmp/noverb.yaml"
printf 'suppresions: []\n' >"$tmp/typo.yaml"
expect "suppression file typo" 2 "typo.yaml:1:1: error: .*suppresions" -- \
  "$bin" exposure "$interleaved" --suppressions "$tmp/typo.yaml"

# ---- suppressions: the cloudtwin:ignore tag on the resource -----------------------------------
sed 's/^  - name: db$/  - name: db\n    tags: {"cloudtwin:ignore": "exposure\/postgresql-open public read replica"}/' \
  "$interleaved" >"$tmp/tagged.yaml"
expect "tag on the security group silences its rule" 0 "reason: public read replica \(.*tagged.yaml:16:" -- \
  "$bin" exposure "$tmp/tagged.yaml" --fail-on critical
"$bin" exposure "$tmp/tagged.yaml" --format sarif >"$tmp/t.sarif"
expect "tag in sarif (inSource)" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/t.sarif')); res = d['runs'][0]['results']
pg = [r for r in res if r['ruleId'] == 'exposure/postgresql-open'][0]
assert pg['suppressions'][0]['kind'] == 'inSource', pg['suppressions']
assert pg['suppressions'][0]['location']['physicalLocation']['region']['startLine'] == 16"
sed 's/^  - {name: ssh-host,/  - {tags: {"cloudtwin:ignore": "ssh-open"}, name: ssh-host,/' "$interleaved" >"$tmp/noreason-tag.yaml"
expect "tag without a reason warns and silences nothing" 1 "noreason-tag.yaml:26:.*warning: tag cloudtwin:ignore on i-ssh-host" -- \
  "$bin" exposure "$tmp/noreason-tag.yaml" --fail-on high
sed 's/^  - name: db$/  - name: db\n    tags: {Name: db}/' "$interleaved" >"$tmp/othertag.yaml"
expect "native YAML reads only cloudtwin:ignore from tags" 2 "othertag.yaml:16:12: error: .*Name" -- \
  "$bin" exposure "$tmp/othertag.yaml"
# CloudFormation: the tag on the bastion's security group of a shared template.
cfn="$shared/cloudformation/cfn-endpoint-waitcondition.yaml"
if [ -e "$cfn" ]; then
  python3 - "$cfn" "$tmp/cfn-tagged.yaml" <<'EOF'
import sys
text = open(sys.argv[1]).read()
# One more tag on BastionSG, after its Name tag.
old = "          Value: BastionSG\n"
assert text.count(old) == 1
tag = "        - Key: cloudtwin:ignore\n          Value: exposure/ssh-open bastion by design\n"
open(sys.argv[2], "w").write(text.replace(old, old + tag))
EOF
  expect "CloudFormation tag silences the bastion" 0 "reason: bastion by design" -- \
    "$bin" exposure "$tmp/cfn-tagged.yaml" --fail-on high
fi

# ---- risk tables --------------------------------------------------------------------------------
printf 'extends: default\nentries:\n  - {rule: ssh-open, name: SSH, protocol: tcp, ports: 22, risk: critical}\n' >"$tmp/extend.yaml"
expect "extending table raises SSH" 1 "CRITICAL +ssh-host" -- \
  "$bin" exposure "$interleaved" --risk-table "$tmp/extend.yaml" --fail-on critical
printf 'entries:\n  - {rule: vpn-open, name: OpenVPN, protocol: udp, ports: 1194, risk: high}\nother: {risk: low, rule: anything-else}\n' >"$tmp/replace.yaml"
"$bin" exposure "$interleaved" --risk-table "$tmp/replace.yaml" --format sarif >"$tmp/r.sarif"
expect "replacing table: its rules only" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/r.sarif'))
ids = sorted(r['ruleId'] for r in d['runs'][0]['results'])
assert ids == ['exposure/anything-else', 'exposure/anything-else', 'exposure/vpn-open'], ids
rules = [r['id'] for r in d['runs'][0]['tool']['driver']['rules']]
assert rules == ['exposure/vpn-open', 'exposure/port-range-open', 'exposure/anything-else'], rules"
expect "replacing table: sarif valid" 0 "" -- sarif_valid "$tmp/r.sarif"
printf 'entries:\n  - {rule: a, protocol: tcp, ports: 22, risk: severe}\n' >"$tmp/badrisk.yaml"
expect "risk table: bad risk located" 2 "badrisk.yaml:2:47: error: .risk. must be one of low, medium, high, critical" -- \
  "$bin" exposure "$interleaved" --risk-table "$tmp/badrisk.yaml"
printf 'entries:\n  - {rule: a, protocol: tcp, risk: high}\n' >"$tmp/noports.yaml"
expect "risk table: tcp without ports located" 2 "noports.yaml:2:15: error: a tcp or udp entry needs .ports:." -- \
  "$bin" exposure "$interleaved" --risk-table "$tmp/noports.yaml"
printf 'extend: default\n' >"$tmp/typo-table.yaml"
expect "risk table: unknown key located" 2 "typo-table.yaml:1:1: error: .*extend" -- \
  "$bin" exposure "$interleaved" --risk-table "$tmp/typo-table.yaml"
expect "risk table: missing file" 2 "nothere.yaml" -- "$bin" exposure "$interleaved" --risk-table "$tmp/nothere.yaml"

# ---- options --------------------------------------------------------------------------------------
expect "exposure --json is --format json" 0 '"schema": "cloudtwin/exposure/v1"' -- "$bin" exposure "$interleaved" --json
expect "exposure json has rule and fingerprint" 0 '"rule": "exposure/ssh-open"' -- "$bin" exposure "$interleaved" --format json
expect "exposure bad format" 2 "" -- "$bin" exposure "$interleaved" --format xml
expect "exposure --output refuses an input" 2 "" -- "$bin" exposure "$interleaved" --output "$interleaved"

echo "findings: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
