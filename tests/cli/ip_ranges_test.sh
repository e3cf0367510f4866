#!/usr/bin/env bash
# The AWS-managed prefix lists of gateway endpoints come from AWS's ip-ranges.json
# (aws-vpc-services.md §5.1): by default the copy in ../shared/data/aws, `--ip-ranges FILE` (or
# $CLOUDTWIN_IP_RANGES) a newer one, and a bad file is a located error, exit 2.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-ip-ranges.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

shared="$root/../shared/data/aws/ip-ranges.json"
net="$tmp/s3.yaml"
cat >"$net" <<'YAML'
vpcs: [{name: app, cidr_block: 10.0.0.0/16}]
subnets: [{name: private, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24,
           route_table: private}]
route_tables: [{name: private, vpc: app}]
vpc_endpoints:
  - {name: s3, vpc: app, service_name: com.amazonaws.us-east-1.s3, route_tables: [private]}
instances: [{name: worker, subnet: private, private_ip: 10.0.1.10}]
YAML
# A file AWS might publish later: S3 in us-east-1 has moved to 44.222.0.0/16.
newer="$tmp/newer.json"
cat >"$newer" <<'JSON'
{"syncToken": "1900000000", "createDate": "2030-03-14-00-00-00",
 "prefixes": [{"ip_prefix": "44.222.0.0/16", "region": "us-east-1", "service": "S3",
               "network_border_group": "us-east-1"}],
 "ipv6_prefixes": []}
JSON

expect "the Region's S3 range goes through the endpoint" 0 "vpce-s3" -- \
  "$bin" trace "$net" --ip-ranges "$shared" --from worker --to 16.182.10.10
expect "with no list declared, not even a warning" 0 "^ok:" -- \
  "$bin" validate "$net" --ip-ranges "$shared"
expect "--ip-ranges: a newer file changes the answer" 0 "vpce-s3" -- \
  "$bin" trace "$net" --ip-ranges "$newer" --from worker --to 44.222.0.10
expect "... and the old range is S3's no more" 1 "" -- \
  "$bin" trace "$net" --ip-ranges "$newer" --from worker --to internet:16.182.10.10
expect "\$CLOUDTWIN_IP_RANGES names the file" 0 "vpce-s3" -- \
  env CLOUDTWIN_IP_RANGES="$newer" "$bin" trace "$net" --from worker --to 44.222.0.10
expect "--ip-ranges wins over the environment" 0 "vpce-s3" -- \
  env CLOUDTWIN_IP_RANGES="$newer" "$bin" trace "$net" --ip-ranges "$shared" --from worker --to 16.182.10.10
expect "--ip-ranges in --help" 0 "--ip-ranges" -- "$bin" trace --help

# Bad files: checked before reading when missing, located when read.
expect "missing --ip-ranges file" 2 "--ip-ranges $tmp/none.json: no such file" -- \
  "$bin" validate "$net" --ip-ranges "$tmp/none.json"
printf 'not json\n' >"$tmp/bad.json"
expect "not JSON" 2 "bad.json:1:1: error: " -- "$bin" validate "$net" --ip-ranges "$tmp/bad.json"
printf '{"prefixes": [\n  {"ip_prefix": "3.5.0.0/33", "region": "us-east-1", "service": "S3"}]}\n' >"$tmp/bad.json"
expect "a bad prefix" 2 "bad.json:2:17: error: \[prefixes\[0\]\] .ip_prefix.: .3.5.0.0/33. is not a CIDR block" -- \
  "$bin" validate "$net" --ip-ranges "$tmp/bad.json"
expect "\$CLOUDTWIN_IP_RANGES naming nothing" 2 "none.json: error: no such file \(named by \\\$CLOUDTWIN_IP_RANGES\)" -- \
  env CLOUDTWIN_IP_RANGES="$tmp/none.json" "$bin" validate "$net"
sed -i 's/us-east-1.s3/us-east-7.s3/' "$net"
expect "a Region the file does not list" 2 "s3.yaml:6:5: error: \[vpce-s3\] no ranges for .com.amazonaws.us-east-7.s3.*did you mean .us-east-1." -- \
  "$bin" validate "$net" --ip-ranges "$shared"

echo "ip ranges: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
