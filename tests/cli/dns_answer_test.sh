#!/usr/bin/env bash
# End-to-end checks of `cloudtwin dns answer` (docs/dns-policies.md) and of `serve dns --health
# --seed` on tests/dns/zones/policies.yaml: the routing policy's choice and why, health forced
# per check, exit 0 with an answer, 1 without one, 2 on bad input. The server listens on a free
# 127.0.0.1 port and is stopped by its pid.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-dnsanswer.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

zones="$root/tests/dns/zones/policies.yaml"
# route53.md §2.6: the primary while it is healthy, the secondary when it is not.
expect "failover primary" 0 "answer  www.example.com. 60 IN A 192.0.2.1" -- "$bin" dns answer "$zones" --name www.example.com
expect "failover why" 0 "why: the policy's choice is healthy" -- "$bin" dns answer "$zones" --name www.example.com
expect "failover secondary" 0 "IN A 192.0.2.2" -- \
  "$bin" dns answer "$zones" --name www.example.com --health primary-check=unhealthy
expect "failover says why" 0 "why: the primary is unhealthy; the secondary answers" -- \
  "$bin" dns answer "$zones" --name www.example.com --health primary-check=unhealthy
# §2.8: the client's subnet picks the CIDR location; the scope is the block's length.
expect "ip-based berlin" 0 '"data": "192.0.2.50"' -- \
  "$bin" dns answer "$zones" --name app.example.com --client-subnet 198.51.100.0/24 --json
expect "ip-based scope" 0 '"ecs_scope": 24' -- \
  "$bin" dns answer "$zones" --name app.example.com --client-subnet 198.51.100.0/24 --json
expect "ip-based resolver address" 0 "IN A 192.0.2.51" -- \
  "$bin" dns answer "$zones" --name app.example.com --resolver-ip 198.51.7.1
expect "ip-based default" 0 "IN A 192.0.2.52" -- "$bin" dns answer "$zones" --name app.example.com --resolver-ip 203.0.113.1
# §2.4: no set for the location and no default: no answer, exit 1.
expect "geolocation no match" 1 "chosen: none" -- "$bin" dns answer "$zones" --name geo.example.com
expect "refused outside the zones" 1 "REFUSED" -- "$bin" dns answer "$zones" --name www.example.org
# --seed: the same draw every time.
"$bin" dns answer "$zones" --name w.example.com --seed 7 >"$tmp/a" 2>&1
"$bin" dns answer "$zones" --name w.example.com --seed 7 >"$tmp/b" 2>&1
if cmp -s "$tmp/a" "$tmp/b"; then pass=$((pass + 1)); else echo "FAIL seed: two runs differ"; fail=$((fail + 1)); fi

# Geo routing with a MaxMind database the test writes (route53.md §12.1).
geo="$root/tests/dns/zones/geo.yaml"
if perl "$root/tests/dns/make_geo_fixture.pl" "$tmp/geo.mmdb"; then
  g() { "$bin" dns answer "$geo" --geoip "$tmp/geo.mmdb" "$@"; }
  # §2.4: the subdivision's set; unhealthy, the walk up to the country; a country set; a
  # continent; an address the database does not know: the default.
  expect "geolocation subdivision" 0 "IN A 192.0.2.1" -- g --name g.geo.example --client-subnet 198.51.100.0/25
  expect "geolocation scope" 0 '"ecs_scope": 25' -- g --name g.geo.example --client-subnet 198.51.100.0/25 --json
  expect "geolocation walks up" 0 "IN A 192.0.2.2" -- \
    g --name g.geo.example --client-subnet 198.51.100.0/25 --health us-check=unhealthy
  expect "geolocation country" 0 "IN A 192.0.2.3" -- g --name g.geo.example --resolver-ip 198.51.100.200
  expect "geolocation continent" 0 "IN A 192.0.2.4" -- g --name g.geo.example --resolver-ip 192.0.2.77
  expect "geolocation default" 0 "IN A 192.0.2.5" -- g --name g.geo.example --resolver-ip 100.64.0.1
  expect "geolocation shows the location" 0 'client location: .*"country":"DE"' -- \
    g --name g.geo.example --resolver-ip 198.51.100.200
  # §2.3: the nearest Region; a client in China gets cn-north-1.
  expect "latency seattle" 0 "IN A 192.0.2.11" -- g --name l.geo.example --resolver-ip 198.51.100.1
  expect "latency frankfurt" 0 "IN A 192.0.2.12" -- g --name l.geo.example --resolver-ip 198.51.100.129
  expect "latency tokyo" 0 "IN A 192.0.2.13" -- g --name l.geo.example --resolver-ip 203.0.113.5
  expect "latency china" 0 "a client in China gets the cn-north-1 set" -- g --name l.geo.example --resolver-ip 2001:db8:c0::1
  # §2.5: Paris is nearer Dublin than Virginia; Seattle nearer Virginia.
  expect "geoproximity paris" 0 "IN A 192.0.2.21" -- g --name p.geo.example --resolver-ip 192.0.2.9
  expect "geoproximity seattle" 0 "IN A 192.0.2.22" -- g --name p.geo.example --resolver-ip 198.51.100.1
  expect "bad database" 2 "--geoip" -- "$bin" dns answer "$geo" --geoip "$geo" --name g.geo.example
  # serve dns --geoip: the ECS prefix's location picks the set; SCOPE is the database network's.
  gport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve dns "$geo" --listen "127.0.0.1:$gport" --threads 1 --geoip "$tmp/geo.mmdb" -q 2>"$tmp/glog" &
  server=$!
  for _ in $(seq 100); do
    dig +time=1 +tries=1 +subnet=198.51.100.128/25 -p "$gport" @127.0.0.1 g.geo.example A >"$tmp/gdig" 2>&1 &&
      grep -q "ANSWER SECTION" "$tmp/gdig" && break
    sleep 0.05
  done
  if grep -q "192.0.2.3" "$tmp/gdig" && grep -q "CLIENT-SUBNET: 198.51.100.128/25/25" "$tmp/gdig"; then
    pass=$((pass + 1))
  else
    echo "FAIL serve --geoip:"; cat "$tmp/gdig" "$tmp/glog"; fail=$((fail + 1))
  fi
  kill "$server"
  wait "$server" 2>/dev/null
  server=""
else
  echo "FAIL: make_geo_fixture.pl could not write the database (libmaxmind-db-writer-perl)"; fail=$((fail + 1))
fi

# Bad input.
expect "unknown check" 2 "no health check .nope. in the network .*primary-check, blue-check" -- \
  "$bin" dns answer "$zones" --name www.example.com --health nope=unhealthy
expect "bad state" 2 "is not ID=healthy or ID=unhealthy" -- \
  "$bin" dns answer "$zones" --name www.example.com --health primary-check=down
expect "bad type" 2 "is not a record type" -- "$bin" dns answer "$zones" --name www.example.com --type BOGUS
expect "bad subnet" 2 "is not a CIDR block" -- \
  "$bin" dns answer "$zones" --name www.example.com --client-subnet 10.0.0.0/99
expect "no name" 2 "name" -- "$bin" dns answer "$zones"

# --latency-table: measured latencies decide latency routing (route53.md §2.3); bad lines are
# located errors.
printf '# client prefix, Region, ms\n198.51.100.0/24, eu-west-1, 5\n198.51.100.0/24, us-east-1, 90\n' >"$tmp/latency.csv"
printf '198.51.100.0/24, eu-west-9, 5\n' >"$tmp/bad-latency.csv"
expect "latency table" 0 "IN A 192.0.2.70" -- \
  "$bin" dns answer "$zones" --name lat.example.com --client-subnet 198.51.100.0/24 --latency-table "$tmp/latency.csv"
expect "latency table scope" 0 '"ecs_scope": 24' -- \
  "$bin" dns answer "$zones" --name lat.example.com --client-subnet 198.51.100.0/24 --latency-table "$tmp/latency.csv" --json
expect "bad latency table" 2 "bad-latency.csv:1:18: error: .eu-west-9. is not an AWS Region" -- \
  "$bin" dns answer "$zones" --name lat.example.com --latency-table "$tmp/bad-latency.csv"
expect "serve with a bad latency table" 2 "is not an AWS Region" -- \
  "$bin" serve dns "$zones" --listen 127.0.0.1:0 --latency-table "$tmp/bad-latency.csv"

# serve dns --health: the server answers as the forced state says.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve dns "$zones" --listen "127.0.0.1:$port" --threads 1 --seed 3 --health primary-check=unhealthy -q \
  2>"$tmp/log" &
server=$!
got=""
for _ in $(seq 100); do
  got=$(dig +time=1 +tries=1 +short -p "$port" @127.0.0.1 www.example.com A 2>/dev/null) && [ -n "$got" ] && break
  sleep 0.05
done
if [ "$got" = "192.0.2.2" ]; then pass=$((pass + 1)); else echo "FAIL serve --health: got '$got'"; cat "$tmp/log"; fail=$((fail + 1)); fi
# ECS (RFC 7871): the subnet picks the CIDR location; the option comes back with SCOPE 24.
dig +time=2 +tries=2 +subnet=198.51.100.0/24 -p "$port" @127.0.0.1 app.example.com A >"$tmp/dig" 2>&1
if grep -q "192.0.2.50" "$tmp/dig" && grep -q "CLIENT-SUBNET: 198.51.100.0/24/24" "$tmp/dig"; then
  pass=$((pass + 1))
else
  echo "FAIL serve ECS:"; cat "$tmp/dig"; fail=$((fail + 1))
fi
# Without ECS the source address (127.0.0.1) is in no block: the default location.
got=$(dig +time=2 +tries=2 +short -p "$port" @127.0.0.1 app.example.com A 2>/dev/null)
if [ "$got" = "192.0.2.52" ]; then pass=$((pass + 1)); else echo "FAIL serve source address: got '$got'"; fail=$((fail + 1)); fi
kill "$server"
wait "$server" 2>/dev/null
server=""
expect "serve with an unknown check" 2 "no health check .nope." -- \
  "$bin" serve dns "$zones" --listen 127.0.0.1:0 --health nope=unhealthy

echo "dns answer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
