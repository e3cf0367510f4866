#!/usr/bin/env bash
# End-to-end checks of `cloudtwin check` (docs/policies.md): exit 0 when every assertion holds,
# 1 on a violation, 2 on a bad policy; text, JSON, SARIF 2.1.0 and JUnit XML output shapes.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
pol="$root/tests/policies"
expect "policy holds" 0 "3 passed, 0 failed" -- "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid.yaml"
expect "two policies" 0 "4 passed" -- "$bin" check "$ex/microservices.yaml" --policy "$pol/microservices.yaml"
expect "violation" 1 "FAIL .*hybrid-violations.yaml:3:5 dc-reaches-db \[reachable\]" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml"
expect "violation shows the blocking code" 1 "blocked: ENI_SG_RULES_MISMATCH" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml"
expect "violation shows a trace" 1 "REACHABLE: tcp .* -> 10.0.10.10:8080" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml"
expect "one failing file fails the run" 1 "1 failed" -- \
  "$bin" check "$ex/microservices.yaml" --policy "$pol/microservices.yaml" --policy "$pol/microservices-violations.yaml"
expect "json" 1 '"failures": 4' -- "$bin" check --json "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml"

# Bad policies: located errors, exit 2, nothing checked.
printf 'rules:\n  - name: a\n    from: internet\n    to: db\n    expct: nothing\n' >"$tmp/typo.yaml"
expect "unknown key" 2 "typo.yaml:5:5: error: .*unknown field .expct. \(did you mean .expect.\?\)" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$tmp/typo.yaml"
printf 'rules:\n  - {name: a, from: internet, to: db, expect: nothing, ports: 99999}\n' >"$tmp/port.yaml"
expect "bad port" 2 "port.yaml:2:63: error: .*not a port range" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$tmp/port.yaml"
printf 'rules:\n  - {name: a, from: internet, to: subnet/dta-a, expect: nothing}\n' >"$tmp/name.yaml"
expect "unknown party" 2 "name.yaml:2:35: error: .*nothing named .subnet/dta-a. \(did you mean .data-a.\?\)" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$tmp/name.yaml"
printf 'rules: [\n' >"$tmp/broken.yaml"
expect "yaml syntax" 2 "broken.yaml:[0-9]+:[0-9]+: error: YAML syntax error" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$tmp/broken.yaml"
expect "missing policy file" 2 "missing.yaml" -- "$bin" check "$ex/hybrid.yaml" --policy "$tmp/missing.yaml"
expect "no policy" 2 "" -- "$bin" check "$ex/hybrid.yaml"
expect "bad format" 2 "" -- "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid.yaml" --format xml

if command -v python3 >/dev/null; then
  # SARIF 2.1.0: one error result per failed assertion, located at the rule.
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --format sarif --output "$tmp/out.sarif" 2>/dev/null
  status=$?
  expect "sarif exit 1 on a violation" 0 "" -- test "$status" -eq 1
  expect "sarif shape" 0 "" -- python3 -c "
import json, sys
d = json.load(open('$tmp/out.sarif'))
assert d['version'] == '2.1.0', d['version']
run = d['runs'][0]
assert run['tool']['driver']['name'] == 'cloudtwin'
ids = [r['id'] for r in run['tool']['driver']['rules']]
res = run['results']
assert len(res) == 4, len(res)
for r in res:
    assert r['level'] == 'error' and r['message']['text']
    assert ids[r['ruleIndex']] == r['ruleId']
    loc = r['locations'][0]['physicalLocation']
    assert loc['artifactLocation']['uri'].endswith('tests/policies/hybrid-violations.yaml')
    assert loc['region']['startLine'] >= 1 and loc['region']['startColumn'] >= 1
first = [r for r in res if r['properties']['assertion'] == 'dc-reaches-db'][0]
# One rule per assertion, `policy/<name>` (docs/ci.md), located at the assertion.
assert first['ruleId'] == 'policy/dc-reaches-db' and first['locations'][0]['physicalLocation']['region']['startLine'] == 3
assert first['properties']['kind'] == 'reachable'
assert first['properties']['rows'][0]['counterexample']['explanations'][0]['code'] == 'ENI_SG_RULES_MISMATCH'
"
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid.yaml" --format sarif >"$tmp/pass.sarif"
  expect "sarif when all pass" 0 "" -- python3 -c "
import json; d = json.load(open('$tmp/pass.sarif')); assert d['version'] == '2.1.0' and d['runs'][0]['results'] == []"

  # JUnit XML: well formed, a testsuite per file and a testcase per rule.
  "$bin" check "$ex/microservices.yaml" --policy "$pol/microservices.yaml" \
    --policy "$pol/microservices-violations.yaml" --format junit >"$tmp/junit.xml"
  status=$?
  expect "junit exit 1 on a violation" 0 "" -- test "$status" -eq 1
  expect "junit well formed" 0 "" -- python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$tmp/junit.xml"
  expect "junit shape" 0 "" -- python3 -c "
import xml.etree.ElementTree as ET
root = ET.parse('$tmp/junit.xml').getroot()
assert root.tag == 'testsuites' and root.get('tests') == '5' and root.get('failures') == '1'
suites = root.findall('testsuite')
assert len(suites) == 2
cases = suites[1].findall('testcase')
assert [c.get('name') for c in cases] == ['east-west-through-egress']
failure = cases[0].find('failure')
assert failure is not None and 'tgw-hub' in failure.text and 'Forward path' in failure.text
"
  # Names that need escaping stay well formed.
  printf 'rules:\n  - {name: "a<&>\\"b\\x01", from: internet, to: db, expect: reachable, ports: 5432}\n' >"$tmp/escape.yaml"
  "$bin" check "$ex/hybrid.yaml" --policy "$tmp/escape.yaml" --format junit >"$tmp/escape.xml" 2>"$tmp/escape.err"
  expect "junit escapes" 0 "" -- python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$tmp/escape.xml"
fi

echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
