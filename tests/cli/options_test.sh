#!/usr/bin/env bash
# The command line refuses what it cannot mean (issue 9): each is a usage error (exit 2) whose
# message says what to write instead, checked before any network is read.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-options.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
net="$ex/hybrid.yaml"

# ICMP messages have a type and a code, not ports (RFC 792): --port is refused, --icmp-type is it.
expect "icmp with --port" 2 "ICMP has no ports.*--icmp-type" -- \
  "$bin" trace "$net" --from app-a --to db --protocol icmp --port 5432
expect "icmpv6 with --port" 2 "ICMP has no ports" -- \
  "$bin" trace "$net" --from app-a --to db --protocol icmpv6 --port 128
expect "reach icmp with --port" 2 "ICMP has no ports.*every ICMP type" -- \
  "$bin" reach "$net" --from app-a --to db --protocol icmp --port 8
expect "--icmp-type" 1 "icmp 10.0.10.10 -> 10.0.20.10 type 0" -- \
  "$bin" trace "$net" --from app-a --to db --protocol icmp --icmp-type 0
expect "--icmp-type without icmp" 2 "--icmp-type needs --protocol icmp" -- \
  "$bin" trace "$net" --from app-a --to db --icmp-type 3
expect "--icmp-type out of range" 2 "ICMP types are 0-255" -- \
  "$bin" trace "$net" --from app-a --to db --protocol icmp --icmp-type 300
expect "empty --port" 2 "--port is empty" -- "$bin" trace "$net" --from app-a --to db --port ""
expect "reach empty --port" 2 "--port is empty" -- "$bin" reach "$net" --from app-a --to db --port ""

# Region names as AWS spells them; account ids of 12 digits.
expect "region with spaces" 2 "--region .us east 1. is not an AWS Region name" -- \
  "$bin" validate "$net" --region "us east 1"
expect "empty region" 2 "is not an AWS Region name" -- "$bin" validate "$net" --region ""
expect "GovCloud region" 0 "^ok:" -- "$bin" validate "$net" --region us-gov-west-1
expect "ISO region" 0 "^ok:" -- "$bin" validate "$net" --region us-isob-east-1
expect "account of letters" 2 "--account .12ab. is not an AWS account id \(12 digits" -- \
  "$bin" validate "$net" --account 12ab
expect "account of 12 digits" 0 "^ok:" -- "$bin" validate "$net" --account 123456789012

# A CIDR with host bits set names no network; say both readings.
expect "host bits" 2 "--from 10.0.10.5/16 has host bits set \(did you mean 10.0.0.0/16 or 10.0.10.5\?\)" -- \
  "$bin" reach "$net" --from 10.0.10.5/16 --to db
expect "host bits v6" 2 "--to 2600:1f18::1/56 has host bits set \(did you mean 2600:1f18::/56" -- \
  "$bin" reach "$net" --from app-a --to 2600:1f18::1/56
expect "network CIDR" 0 "REACHABLE" -- "$bin" reach "$net" --from 10.0.10.0/24 --to db

# Addresses no packet from the internet carries (RFC 6890); private ones stay allowed, to show
# internet gateways dropping them.
for a in ::1 :: 127.0.0.1 0.0.0.0 169.254.169.254 fe80::1 224.0.0.1 ff02::1 255.255.255.255; do
  expect "internet:$a" 2 "not on the internet" -- "$bin" trace "$net" --from "internet:$a" --to db
done
expect "internet:public" 1 "" -- "$bin" trace "$net" --from internet:198.51.100.7 --to db

# trace from an address that no interface holds: nothing sends from it.
expect "trace from an unheld address" 2 "--from 10.0.9.99: no network interface holds this address" -- \
  "$bin" trace "$net" --from 10.0.9.99 --to db
expect "trace to an unheld address still answers" 1 "NO_POSSIBLE_DESTINATION" -- \
  "$bin" trace "$net" --from app-a --to 10.0.9.99

# A name two resources share: list them with their ids.
sed 's/^  - {name: app-b, subnet: private-b/  - {name: app-a, id: i-second, subnet: private-b/' \
  "$net" >"$tmp/dup.yaml"
expect "ambiguous in trace" 2 "app-a. names 2 resources: i-app-a \(Instance\), i-second \(Instance\)" -- \
  "$bin" trace "$tmp/dup.yaml" --from app-a --to db
expect "ambiguous in reach" 2 "app-a. names 2 resources: i-app-a \(Instance\), i-second" -- \
  "$bin" reach "$tmp/dup.yaml" --from db --to app-a
expect "an id still works" 0 "" -- "$bin" trace "$tmp/dup.yaml" --from i-second --to db --port 5432

# Unknown verbs name the verbs.
expect "unknown verb" 2 "unknown verb .frobnicate. \(verbs: validate, trace, export" -- "$bin" frobnicate
expect "mistyped verb" 2 "did you mean .trace." -- "$bin" tarce "$net"
expect "no verb" 2 "error: no verb \(verbs: validate, trace" -- "$bin"

echo "options: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
