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

# Only regular files are read: a FIFO blocked forever when opened, /dev/zero grew without bound.
mkfifo "$tmp/fifo.yaml"
expect "FIFO is refused" 2 "fifo.yaml: error: is not a regular file \(a FIFO\).*save the input to a file" -- \
  run "$bin" validate "$tmp/fifo.yaml"
expect "FIFO policy is refused" 2 "fifo.yaml: error: is not a regular file \(a FIFO\)" -- \
  run "$bin" check "$ex/hybrid.yaml" --policy "$tmp/fifo.yaml"
expect "/dev/zero is refused" 2 "/dev/zero: error: is not a regular file \(a character device\)" -- \
  run "$bin" validate /dev/zero
expect "export of a FIFO writes nothing" 2 "a FIFO" -- run "$bin" export "$tmp/fifo.yaml" -o "$tmp/out.yaml"
expect "... no output file" 1 "" -- test -e "$tmp/out.yaml"

# Input size: a generous default, a clear error naming the file, its size and the limit.
expect "over --max-input-size" 2 \
  "native.yaml: error: is 1 MiB \(10[0-9]+ bytes\), more than the input size limit of 512 KiB.*--max-input-size 2M" -- \
  run "$bin" validate --max-input-size 512K "$tmp/native.yaml"
expect "within --max-input-size" 0 "^ok:" -- run "$bin" validate --max-input-size 2M "$tmp/native.yaml"
expect "bad --max-input-size" 2 "bad --max-input-size .1.5G." -- run "$bin" validate --max-input-size 1.5G "$tmp/native.yaml"

# Files given by mistake for a plan: say what the file is and what to do instead.
printf 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n' >"$tmp/main.tf"
expect "HCL" 2 "main.tf: error: is Terraform configuration \(HCL\).*terraform show -json plan > plan.json" -- \
  run "$bin" validate "$tmp/main.tf"
printf 'PK\003\004\024\000\010\000tfplan' >"$tmp/plan.tfplan"
expect "binary plan" 2 "plan.tfplan: error: is a binary Terraform plan.*terraform show -json .*plan.tfplan > plan.json" -- \
  run "$bin" validate "$tmp/plan.tfplan"
printf '\377\376{\000"\000f\000"\000:\000 \0001\000}\000' >"$tmp/utf16.json"
expect "UTF-16 JSON" 2 "utf16.json: error: is UTF-16 text \(little-endian\).*iconv -f UTF-16 -t UTF-8" -- \
  run "$bin" validate "$tmp/utf16.json"
printf '{\000"\000f\000"\000:\000 \0001\000}\000' >"$tmp/utf16-no-bom.json"
expect "UTF-16 JSON without a byte order mark" 2 "is UTF-16 text \(little-endian\)" -- \
  run "$bin" validate "$tmp/utf16-no-bom.json"

# Many keys in one mapping: the duplicate-key search was quadratic (160,000 keys took 23 s), and
# each unknown key is an error, of which at most 100 of a kind are listed.
awk 'BEGIN { print "vpcs:\n  - name: a\n    cidr_block: 10.0.0.0/16"; for (i = 0; i < 40000; i++) print "    k" i ": 1" }' >"$tmp/keys.yaml"
expect "40,000 keys" 2 "^40000 error\(s\)" -- run "$bin" validate "$tmp/keys.yaml"
cp "$tmp/err" "$tmp/keys.err"
expect "... listed up to the cap" 0 "" -- test "$(grep -c 'unknown field' "$tmp/keys.err")" -eq 101
expect "... then counted" 0 "" -- grep -q 'keys.yaml:104:5: error: … and 39900 more errors like "unknown field `k100`"' "$tmp/keys.err"
# A merge key bringing 200 unknown keys into 100 VPCs: 20,000 errors, 101 lines.
awk 'BEGIN { printf "x-base: &b {"; for (i = 0; i < 200; i++) printf "%sk%d: 1", (i ? ", " : ""), i; print "}\nvpcs:";
             for (v = 0; v < 100; v++) print "  - {<<: *b, name: v" v ", cidr_block: 10.0.0.0/16}" }' >"$tmp/merge.yaml"
expect "merge key over many mappings" 2 "^20000 error\(s\)" -- run "$bin" validate "$tmp/merge.yaml"
cp "$tmp/err" "$tmp/merge.err"
expect "... at most 100 of a kind" 0 "" -- test "$(wc -l <"$tmp/merge.err")" -le 110

# Out of memory is an error naming the file, not an abort (std::bad_alloc escaped). Checked only
# without ASan, whose operator new reports and aborts instead of throwing.
if ! grep -q __asan_init "$bin"; then
  truncate -s 512M "$tmp/huge.yaml"
  expect "out of memory" 2 "huge.yaml: error: out of memory reading the file \(512 MiB\)" -- \
    bash -c 'ulimit -v 262144 && exec "$@"' - "$bin" validate "$tmp/huge.yaml"
fi

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
