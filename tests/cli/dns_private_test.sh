#!/usr/bin/env bash
# Private hosted zones and the VPC resolver (shared/reference/route53.md §4) end to end, on
# tests/dns/zones/private.yaml: `dns answer --from`, and `serve dns --vpc-listen/--vpc-source`
# answering each VPC from its own private zones. Servers listen on free 127.0.0.x ports and are
# stopped by their pids.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-dnsprivate.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

zones="$root/tests/dns/zones/private.yaml"
ask() { "$bin" dns answer "$zones" -q "$@"; }

# §4: outside every VPC only the public zones answer; a private zone's name is not ours.
expect "public from outside" 0 "IN A 192.0.2.1" -- ask --name www.example.com
expect "private invisible outside" 1 "REFUSED" -- ask --name primary.db.internal
# §4: inside a VPC its private zone answers first, even where a public zone has the same name.
expect "private shadows public" 0 "IN A 10.1.0.10" -- ask --name www.example.com --from app
expect "says which zone" 0 "zone: ZAPPEXAMPLE \(private\), asked from inside vpc-app" -- \
  ask --name www.example.com --from app
# §4: a name under the private zone that it lacks is NXDOMAIN: no fall-through to the public zone.
expect "no fall-through" 1 "NXDOMAIN" -- ask --name api.example.com --from app
# A VPC without a private zone of that name resolves it publicly.
expect "other VPC sees public" 0 "IN A 192.0.2.2" -- ask --name api.example.com --from data
# One private zone associated with two VPCs answers in both; an instance asks from its VPC.
expect "instance's VPC" 0 "IN A 10.2.0.5" -- ask --name primary.db.internal --from web-1
expect "second association" 0 "IN A 10.2.0.6" -- ask --name replica.db.internal --from data
expect "subnet's VPC" 0 "IN A 10.2.0.6" -- ask --name replica.db.internal --from data-a
# §4: the most specific private zone wins, and answers NXDOMAIN for what it lacks...
expect "most specific" 0 "IN A 10.2.0.7" -- ask --name backup.ops.db.internal --from data
expect "most specific NXDOMAIN" 1 "NXDOMAIN.*" -- ask --name replica.ops.db.internal --from data
# ... only where it is associated: in app the parent zone answers for the same name.
expect "not associated" 1 "zone: ZINTERNAL" -- ask --name backup.ops.db.internal --from app
# §4: geolocation in a private zone answers by the VPC's Region (app eu-west-1, data us-east-1);
# ECS is ignored.
expect "geo by Region, Europe" 0 "IN A 10.2.0.5" -- ask --name geo.db.internal --from app
expect "geo by Region, default" 0 "IN A 10.2.0.6" -- ask --name geo.db.internal --from data
expect "ECS ignored in a private zone" 0 '"region": "eu-west-1"' -- \
  ask --name geo.example.com --from app --client-subnet 203.0.113.0/24 --json
# aws-vpc.md §1.11: no Amazon resolver in a VPC with enableDnsSupport false.
expect "enableDnsSupport false" 1 "enableDnsSupport false" -- ask --name host.lonely.internal --from lonely
expect "unknown --from" 2 "is not a VPC, subnet, network interface or instance" -- \
  ask --name www.example.com --from nowhere

# trace/reach --to NAME: resolved by the source's VPC resolver first; the DNS answer is the first
# hop, then the packet to the address goes on as usual.
expect "trace by name" 0 "zone ZINTERNAL \(private\)" -- \
  "$bin" trace "$zones" --from web-1 --to primary.db.internal --port 5432 -q
expect "trace by name, resolver" 0 "the Amazon resolver of vpc-app \(10.1.0.2\)" -- \
  "$bin" trace "$zones" --from web-1 --to primary.db.internal --port 5432 -q
expect "trace by name reaches" 0 "REACHABLE: tcp 10.1.0.10:[0-9]+ -> 10.2.0.5:5432" -- \
  "$bin" trace "$zones" --from web-1 --to primary.db.internal --port 5432 -q
expect "trace by name, policy" 0 "record set ZINTERNAL/geo.db.internal./A/europe" -- \
  "$bin" trace "$zones" --from web-1 --to geo.db.internal --port 5432 -q
expect "trace by name, blocked port" 1 "10.2.0.6:443" -- \
  "$bin" trace "$zones" --from web-1 --to replica.db.internal --port 443 -q
expect "trace by name, no fall-through" 1 "NXDOMAIN from zone ZAPPEXAMPLE" -- \
  "$bin" trace "$zones" --from web-1 --to api.example.com -q
expect "trace by name, DNS off" 1 "enableDnsSupport false" -- \
  "$bin" trace "$zones" --from lonely --to host.lonely.internal -q
expect "trace by name, unknown name" 3 "INCONCLUSIVE: nosuch.example.org" -- \
  "$bin" trace "$zones" --from web-1 --to nosuch.example.org -q
expect "trace by name, json" 0 '"private": true' -- \
  "$bin" trace "$zones" --from web-1 --to primary.db.internal --port 5432 --json -q
expect "reach by name" 0 "Reach web-1 -> primary.db.internal \(10.2.0.5\): REACHABLE" -- \
  "$bin" reach "$zones" --from web-1 --to primary.db.internal -q
expect "reach by name, json" 1 '"failure": "NXDOMAIN' -- \
  "$bin" reach "$zones" --from web-1 --to api.example.com --json -q
expect "reach by name from the internet" 1 "public DNS, zone ZPUBLIC" -- \
  "$bin" reach "$zones" --from internet --to www.example.com -q

# Alias trees (route53.md §2.3, §2.9 rule 5): a latency alias evaluating its target's health backs
# out of a Region whose weighted group is all unhealthy; dns answer shows both levels.
tree="$root/tests/dns/zones/alias-tree.yaml"
expect "alias tree, both levels" 0 "then, the alias's target:" -- \
  "$bin" dns answer "$tree" --name www.example.net --from east -q
expect "alias tree backs out" 0 "IN A 192.0.2.3" -- \
  "$bin" dns answer "$tree" --name www.example.net --from east --health use1-a=unhealthy --health use1-b=unhealthy -q
expect "alias tree says why" 0 "set us-east-1: unhealthy \(evaluates its target's health\)" -- \
  "$bin" dns answer "$tree" --name www.example.net --from east --health use1-a=unhealthy --health use1-b=unhealthy -q
expect "alias tree json" 0 '"then": \{' -- "$bin" dns answer "$tree" --name www.example.net --from east --json -q

# serve dns: the public listener, app's resolver address (--vpc-listen) and data by source
# address (--vpc-source 127.0.0.2/32=data, dig -b 127.0.0.2).
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
public=$(free_port)
vpc=$(free_port)
"$bin" serve dns "$zones" --listen "127.0.0.1:$public" --vpc-listen "app=127.0.0.1:$vpc" \
  --vpc-source 127.0.0.2/32=vpc-data --threads 1 -q 2>"$tmp/log" &
server=$!
query() {  # PORT NAME [dig options...]: the answer's addresses, or the status when there are none
  local port="$1" name="$2"
  shift 2
  local out
  out=$(dig +time=2 +tries=2 -p "$port" "$@" @127.0.0.1 "$name" A 2>&1)
  local addrs
  addrs=$(echo "$out" | awk '/ANSWER SECTION/{a=1; next} a && NF==0{a=0} a && $4=="A"{print $5}')
  if [ -n "$addrs" ]; then echo "$addrs"; else echo "$out" | grep -o 'status: [A-Z]*'; fi
}
for _ in $(seq 100); do
  dig +time=1 +tries=1 +short -p "$public" @127.0.0.1 www.example.com A 2>/dev/null | grep -qE '^[0-9.]+$' && break
  sleep 0.05
done
check() {  # NAME WANT GOT
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL serve $1: want '$2', got '$3'"; fail=$((fail + 1)); fi
}
check "public listener" "192.0.2.1" "$(query "$public" www.example.com)"
check "public listener, private name" "status: REFUSED" "$(query "$public" primary.db.internal)"
check "vpc listener" "10.1.0.10" "$(query "$vpc" www.example.com)"
check "vpc listener, no fall-through" "status: NXDOMAIN" "$(query "$vpc" api.example.com)"
check "vpc listener over TCP" "10.2.0.5" "$(query "$vpc" primary.db.internal +tcp)"
check "vpc source" "10.2.0.7" "$(query "$public" backup.ops.db.internal -b 127.0.0.2)"
check "vpc source, public name" "192.0.2.2" "$(query "$public" api.example.com -b 127.0.0.2)"
check "vpc source over TCP" "10.2.0.6" "$(query "$public" geo.db.internal -b 127.0.0.2 +tcp)"
check "other source" "status: REFUSED" "$(query "$public" backup.ops.db.internal -b 127.0.0.3)"
if grep -q "(inside app)" "$tmp/log"; then pass=$((pass + 1)); else echo "FAIL start line lacks the VPC:"; cat "$tmp/log"; fail=$((fail + 1)); fi
kill "$server"
wait "$server"
status=$?
check "SIGTERM exit" 0 "$status"
server=""

# serve dns --explain: the TXT record explain.cloudtwin. says how the answer was chosen.
eport=$(free_port)
"$bin" serve dns "$tree" --listen "127.0.0.1:$eport" --threads 1 --explain -q --health use1-a=unhealthy \
  --health use1-b=unhealthy --vpc-source 127.0.0.0/8=east 2>"$tmp/elog" &
server=$!
for _ in $(seq 100); do
  dig +time=1 +tries=1 +short -p "$eport" @127.0.0.1 simple.example.net A 2>/dev/null | grep -qE '^[0-9.]+$' && break
  sleep 0.05
done
dig +time=2 +tries=2 -p "$eport" @127.0.0.1 www.example.net A >"$tmp/edig" 2>&1
if grep -q 'explain.cloudtwin.*"latency chose eu-west-1: the policy.s first choice is unhealthy' "$tmp/edig" &&
  grep -q "192.0.2.3" "$tmp/edig"; then
  pass=$((pass + 1))
else
  echo "FAIL serve --explain:"; cat "$tmp/edig" "$tmp/elog"; fail=$((fail + 1))
fi
kill "$server"
wait "$server"
server=""

expect "serve unknown VPC" 2 "no VPC .nowhere." -- \
  "$bin" serve dns "$zones" --listen 127.0.0.1:0 --vpc-listen nowhere=127.0.0.1:0
expect "serve bad --vpc-listen" 2 "expected VPC=ADDR:PORT" -- "$bin" serve dns "$zones" --vpc-listen app
expect "serve bad --vpc-source" 2 "expected CIDR=VPC" -- "$bin" serve dns "$zones" --vpc-source 10.0.0.0/33=app

echo "dns private: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
