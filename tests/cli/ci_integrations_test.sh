#!/usr/bin/env bash
# The CI integrations in the repository, run as their CI systems run them (docs/ci.md):
# action.yml through tests/ci/run_action.py (the composite steps, expressions, GITHUB_* files),
# examples/ci/gitlab-ci.yml through tests/ci/run_gitlab_job.py (variables, rules, before_script
# and script in one shell, artifacts), and .pre-commit-hooks.yaml through pre-commit itself.
# The reports they leave are validated against SARIF 2.1.0's schema and the JUnit XSD.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-ci.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...
export PATH="$(cd "$(dirname "$bin")" && pwd):$PATH"
ex="$root/examples"
schemas="$root/tests/data/schemas"
# Debian's python3 has the packages scripts/install-deps installs (yaml, jsonschema).
py=/usr/bin/python3
[ -x "$py" ] || py=python3

valid_sarif() { "$py" -c "
import json, jsonschema, sys
schema = json.load(open('$schemas/sarif-schema-2.1.0.json'))
jsonschema.validate(json.load(open(sys.argv[1])), schema)" "$1"; }
valid_junit() { xmllint --noout --schema "$schemas/junit-10.xsd" "$1" 2>&1; }

# A pull request that opens the database to the data centre: before and after.
sed '/only the app tier}/a\      - {protocol: tcp, port: 5432, cidr: 192.168.0.0/16}' "$ex/hybrid.yaml" >"$tmp/wider.yaml"

# ---- GitHub Actions -------------------------------------------------------------------------
mkdir -p "$tmp/gh"
cp "$ex/hybrid.yaml" "$tmp/gh/before.yaml"
cp "$tmp/wider.yaml" "$tmp/gh/after.yaml"
"$py" "$root/tests/ci/run_action.py" "$root" "$tmp/gh" command=diff before=before.yaml \
  network=after.yaml >"$tmp/gh.json"
expect "action: diff runs every step" 0 "" -- "$py" -c "
import json; r = json.load(open('$tmp/gh.json'))
names = [s['name'] for s in r['steps'] if s['ran']]
assert names == ['Install cloudtwin', 'Run cloudtwin', 'Upload SARIF', 'Fail on findings'], names
assert 'using ' in r['steps'][0]['log'], r['steps'][0]['log']
assert r['outputs']['exit-code'] == '1', r['outputs']
up = r['steps'][2]
assert up['uses'].startswith('github/codeql-action/upload-sarif@') and up['with']['sarif_file'] == 'cloudtwin.sarif', up
assert r['status'] == 1, r['status']  # the last step fails the job with cloudtwin's status
assert '### cloudtwin diff: reachability changed' in r['summary'], r['summary'][:300]
"
expect "action: the SARIF it uploads is SARIF 2.1.0" 0 "" -- valid_sarif "$tmp/gh/cloudtwin.sarif"
"$py" "$root/tests/ci/run_action.py" "$root" "$tmp/gh" command=diff before=before.yaml \
  network=before.yaml >"$tmp/gh2.json"
expect "action: nothing changed, the job passes" 0 "" -- "$py" -c "
import json; r = json.load(open('$tmp/gh2.json'))
assert r['status'] == 0 and r['outputs']['exit-code'] == '0', r
assert not [s for s in r['steps'] if s['name'] == 'Fail on findings'][0]['ran']"
"$py" "$root/tests/ci/run_action.py" "$root" "$tmp/gh" command=check network="$ex/hybrid.yaml" \
  policy="$root/tests/policies/hybrid-violations.yaml" sarif=check.sarif upload-sarif=false >"$tmp/gh3.json"
expect "action: check with a violated policy fails, no upload" 0 "" -- "$py" -c "
import json; r = json.load(open('$tmp/gh3.json'))
assert r['status'] == 1 and r['outputs']['exit-code'] == '1', r
assert not [s for s in r['steps'] if s['name'] == 'Upload SARIF'][0]['ran']"
expect "action: check's SARIF" 0 "" -- valid_sarif "$tmp/gh/check.sarif"
"$py" "$root/tests/ci/run_action.py" "$root" "$tmp/gh" command=nonsense network=after.yaml >"$tmp/gh4.json"
expect "action: a bad command fails with 2" 0 "" -- "$py" -c "
import json; r = json.load(open('$tmp/gh4.json')); assert r['status'] == 2, r['status']"

# ---- GitLab CI ------------------------------------------------------------------------------
git_q() { git -c user.name=ci -c user.email=ci@example.invalid -c init.defaultBranch=main "$@" >/dev/null 2>&1; }
git_q init --bare "$tmp/origin.git"
git_q clone "$tmp/origin.git" "$tmp/project" 2>/dev/null
mkdir -p "$tmp/project/network"
cp "$ex/hybrid.yaml" "$tmp/project/network/hybrid.yaml"
cp "$root/tests/policies/hybrid.yaml" "$tmp/project/policy.yaml"
(cd "$tmp/project" && git_q add . && git_q commit -m base && git_q push origin HEAD:main 2>/dev/null &&
  git_q checkout -b widen && cp "$tmp/wider.yaml" network/hybrid.yaml && git_q commit -am widen)
gitlab() { "$py" "$root/tests/ci/run_gitlab_job.py" "$root/examples/ci/gitlab-ci.yml" cloudtwin \
  "$tmp/project" CI_PIPELINE_SOURCE=merge_request_event CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main; }
gitlab >"$tmp/gl.json"
expect "gitlab: the merge request job passes (no new exposure, policy holds)" 0 "" -- "$py" -c "
import json; r = json.load(open('$tmp/gl.json'))
assert r['status'] == 0, r['log']
assert all(r['artifacts']['junit'].values()) and all(r['artifacts']['paths'].values()), r['artifacts']"
expect "gitlab: diff JUnit validates" 0 "" -- valid_junit "$tmp/project/cloudtwin-diff.xml"
expect "gitlab: check JUnit validates" 0 "" -- valid_junit "$tmp/project/cloudtwin-check.xml"
expect "gitlab: diff SARIF validates" 0 "" -- valid_sarif "$tmp/project/cloudtwin-diff.sarif"
expect "gitlab: the JUnit report lists the opened row (not a failure under --fail-on new-exposure)" 0 \
  'testcase name="diff/opened db \(i-db\)"' -- cat "$tmp/project/cloudtwin-diff.xml"
# A merge request that puts PostgreSQL on a public instance open to the internet fails the job.
sed 's/port: 443, cidr/port: 5432, cidr/' "$root/tests/cli/data/public-https.yaml" >"$tmp/project/network/hybrid.yaml"
printf 'rules:\n  - {name: no-ssh, from: internet, to: db1, expect: nothing, protocol: tcp, ports: 22}\n' >"$tmp/project/policy.yaml"
(cd "$tmp/project" && git_q commit -am expose)
gitlab >"$tmp/gl2.json"
expect "gitlab: new exposure fails the job" 0 "" -- "$py" -c "
import json; r = json.load(open('$tmp/gl2.json')); assert r['status'] == 1, (r['status'], r['log'])"
expect "gitlab: its JUnit report has the failure" 0 'type="diff/new-exposure"' -- cat "$tmp/project/cloudtwin-diff.xml"
expect "gitlab: rules skip other pipelines" 0 '"skipped": true' -- "$py" "$root/tests/ci/run_gitlab_job.py" \
  "$root/examples/ci/gitlab-ci.yml" cloudtwin "$tmp/project" CI_PIPELINE_SOURCE=push

# ---- pre-commit -----------------------------------------------------------------------------
if command -v pre-commit >/dev/null 2>&1 && git -C "$root" rev-parse HEAD >/dev/null 2>&1 &&
  git -C "$root" cat-file -e HEAD:.pre-commit-hooks.yaml 2>/dev/null; then
  export PRE_COMMIT_HOME="$tmp/pre-commit-home"
  rev=$(git -C "$root" rev-parse HEAD)
  git_q init "$tmp/hooks"
  cp "$ex/hybrid.yaml" "$tmp/hooks/network.yaml"
  cat >"$tmp/hooks/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: cloudtwin-validate
        files: ^network\.yaml$
      - id: cloudtwin-exposure
        args: [network.yaml]
      - id: cloudtwin-check
        args: [network.yaml, --policy, policy.yaml]
YAML
  cp "$root/tests/policies/hybrid.yaml" "$tmp/hooks/policy.yaml"
  (cd "$tmp/hooks" && git_q add .)
  expect "pre-commit: the hooks pass on a sound network" 0 "cloudtwin check.*Passed" -- \
    bash -c "cd '$tmp/hooks' && pre-commit run --all-files --color never"
  cp "$root/tests/policies/hybrid-violations.yaml" "$tmp/hooks/policy.yaml"
  printf 'vpcs:\n  - {name: v, cidr_block: 10.0.0.0/33}\n' >>"$tmp/hooks/network.yaml"
  (cd "$tmp/hooks" && git_q add .)
  expect "pre-commit: a broken network fails validate with its line" 1 "network.yaml:[0-9]+:[0-9]+: error" -- \
    bash -c "cd '$tmp/hooks' && pre-commit run cloudtwin-validate --all-files --color never"
else
  echo "skip: pre-commit (not installed, or .pre-commit-hooks.yaml not committed yet)"
fi

echo "ci integrations: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
