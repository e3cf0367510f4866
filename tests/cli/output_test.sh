#!/usr/bin/env bash
# Output is never lost silently (issue 9): a failed write to standard output or to `-o FILE` is
# exit 2 with the reason (errno text); `-o` goes through a temporary file and a rename, so a
# failed write leaves the previous report whole; `-o` never overwrites an input of the run.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-output.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
pol="$root/tests/policies"
full="writing standard output: No space left on device"

# Standard output on a full device: every verb, whatever its answer would have been.
expect "validate to /dev/full" 2 "$full" -- sh -c "'$bin' validate '$ex/hybrid.yaml' >/dev/full"
expect "export to /dev/full" 2 "$full" -- sh -c "'$bin' export '$ex/hybrid.yaml' >/dev/full"
expect "trace to /dev/full" 2 "$full" -- \
  sh -c "'$bin' trace '$ex/hybrid.yaml' --from app-a --to db --port 5432 >/dev/full"
expect "unreachable trace to /dev/full is 2, not 1" 2 "$full" -- \
  sh -c "'$bin' trace '$ex/hybrid.yaml' --from 192.168.1.10 --to db --port 5432 >/dev/full"
expect "reach to /dev/full" 2 "$full" -- \
  sh -c "'$bin' reach '$ex/hybrid.yaml' --from app-a --to db >/dev/full"
expect "exposure to /dev/full" 2 "$full" -- sh -c "'$bin' exposure '$ex/hybrid.yaml' >/dev/full"
expect "check to /dev/full" 2 "$full" -- \
  sh -c "'$bin' check '$ex/hybrid.yaml' --policy '$pol/hybrid.yaml' >/dev/full"
expect "diagram to /dev/full" 2 "$full" -- sh -c "'$bin' diagram '$ex/hybrid.yaml' >/dev/full"
expect "help to /dev/full" 2 "$full" -- sh -c "'$bin' --help >/dev/full"

# -o FILE that cannot be written: the reason, exit 2.
expect "export -o /dev/full" 2 "writing /dev/full: No space left on device" -- \
  "$bin" export "$ex/hybrid.yaml" -o /dev/full
expect "check -o /dev/full" 2 "writing /dev/full: No space left on device" -- \
  "$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid.yaml" -o /dev/full
expect "diagram -o /dev/full" 2 "writing /dev/full: No space left on device" -- \
  "$bin" diagram "$ex/hybrid.yaml" -o /dev/full
expect "-o in a missing folder" 2 "writing $tmp/missing/out.yaml: No such file or directory" -- \
  "$bin" export "$ex/hybrid.yaml" -o "$tmp/missing/out.yaml"
mkdir "$tmp/folder"
expect "-o a folder" 2 "writing $tmp/folder: Is a directory" -- \
  "$bin" export "$ex/hybrid.yaml" -o "$tmp/folder"

# A write cut short (here by a file size limit, as a full disk would) keeps the previous report
# whole and leaves no temporary file behind.
echo "previous report" >"$tmp/report.yaml"
expect "-o cut short" 2 "writing $tmp/report.yaml: File too large" -- \
  bash -c "trap '' XFSZ; ulimit -f 1; '$bin' export '$ex/microservices.yaml' -o '$tmp/report.yaml'"
expect "previous report kept" 0 "^previous report$" -- cat "$tmp/report.yaml"
expect "no temporary file left" 0 "^report.yaml$" -- ls -A "$tmp" --ignore=folder

# -o that works: the file is replaced, keeps its permissions, and stdout stays empty.
chmod 640 "$tmp/report.yaml"
expect "-o replaces" 0 "" -- "$bin" export "$ex/hybrid.yaml" -o "$tmp/report.yaml"
expect "-o wrote the network" 0 "^vpcs:" -- cat "$tmp/report.yaml"
expect "-o keeps the mode" 0 "^640$" -- stat -c %a "$tmp/report.yaml"
ln -s report.yaml "$tmp/link.yaml"
expect "-o through a symlink" 0 "" -- "$bin" diagram "$ex/hybrid.yaml" -o "$tmp/link.yaml"
expect "the symlink is kept" 0 "" -- test -L "$tmp/link.yaml"
expect "its target is written" 0 "^(flowchart|graph)" -- cat "$tmp/report.yaml"
expect "-o /dev/stdout" 0 "^vpcs:" -- "$bin" export "$ex/hybrid.yaml" -o /dev/stdout

# -o never overwrites an input: the network, a policy, a saved trace, a file in a snapshot folder.
cp "$ex/hybrid.yaml" "$tmp/net.yaml"
cp "$pol/hybrid.yaml" "$tmp/policy.yaml"
expect "export -o its network" 2 "would overwrite the input .*net.yaml" -- \
  "$bin" export "$tmp/net.yaml" -o "$tmp/net.yaml"
expect "network untouched" 0 "" -- cmp "$ex/hybrid.yaml" "$tmp/net.yaml"
expect "check -o its policy" 2 "would overwrite the input .*policy.yaml" -- \
  "$bin" check "$tmp/net.yaml" --policy "$tmp/policy.yaml" -o "$tmp/policy.yaml"
expect "policy untouched" 0 "" -- cmp "$pol/hybrid.yaml" "$tmp/policy.yaml"
ln "$tmp/net.yaml" "$tmp/hardlink.yaml"
expect "-o a hard link to an input" 2 "would overwrite the input" -- \
  "$bin" export "$tmp/net.yaml" -o "$tmp/hardlink.yaml"
"$bin" trace --json "$ex/hybrid.yaml" --from app-a --to db --port 5432 >"$tmp/trace.json"
expect "diagram -o its highlight" 2 "would overwrite the input .*trace.json" -- \
  "$bin" diagram "$ex/hybrid.yaml" --highlight "$tmp/trace.json" -o "$tmp/trace.json"
cp -r "$ex/aws-cli/microservices" "$tmp/snapshot"
some=$(find "$tmp/snapshot" -type f -name 'subnets.json' | head -1)
expect "-o a file of a snapshot folder" 2 "would overwrite the input" -- \
  "$bin" export "$tmp/snapshot" -o "$some"

echo "output: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
