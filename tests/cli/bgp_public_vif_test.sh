#!/usr/bin/env bash
# `serve bgp` on a public virtual interface (shared/reference/direct-connect.md §2.2): AWS
# advertises its public prefixes (the AMAZON ranges of ip-ranges.json, shared/data/aws), every one
# with NO_EXPORT, 7224:8100 on those of the VIF's Region, 7224:8200 on the same continent's, and
# an AS_PATH of at least 3; the session's ASN is 7224. BIRD 2 as the customer router on loopback
# counts what it received. Skipped (exit 77) without BIRD or the shared ip-ranges.json.
set -u
bin="$1"
root="$2"
ranges="$root/../shared/data/aws/ip-ranges.json"
[ -x /usr/sbin/bird ] && [ -f "$ranges" ] || { echo "SKIP: BIRD 2 or $ranges missing"; exit 77; }
tmp=$(mktemp -d /tmp/cloudtwin-bgppublic.XXXXXX)
server=""
birdpid=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; [ -n "$birdpid" ] && kill "$birdpid" 2>/dev/null; sleep 0.2; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL $1: want '$2', got '$3'"; fail=$((fail + 1)); fi; }

cat >"$tmp/net.yaml" <<'EOF'
region: us-east-1
direct_connect_connections:
  - {id: dxcon-0b6f0009, name: eqdc2, location: EqDC2, bandwidth: 1Gbps}
virtual_interfaces:
  - id: dxvif-0b6f0009
    name: public
    type: public
    connection: eqdc2
    vlan: 200
    customer_asn: 65010
    amazon_address: 198.51.100.1/30
    customer_address: 198.51.100.2/30
    route_filter_prefixes: [203.0.113.0/24]
EOF
sport=$(free_port); bport=$(free_port); admin=$(free_port)
cat >"$tmp/bird.conf" <<EOF
log "$tmp/bird.log" all;
router id 192.0.2.10;
protocol device { }
protocol static dc { ipv4; route 203.0.113.0/24 blackhole; }
protocol bgp pubvif {
  local 127.0.0.21 port $bport as 65010;
  neighbor 127.0.0.22 port $sport as 7224;
  multihop; strict bind on;
  connect delay time 1; connect retry time 1; error wait time 1, 2;
  ipv4 { import all; export filter { if proto = "dc" then { bgp_next_hop = 198.51.100.2; accept; } reject; }; };
}
EOF
/usr/sbin/bird -c "$tmp/bird.conf" -s "$tmp/bird.ctl" -P "$tmp/bird.pid" -f >"$tmp/bird.out" 2>&1 &
birdpid=$!
"$bin" serve bgp "$tmp/net.yaml" -q --bfd off --ip-ranges "$ranges" --admin "127.0.0.1:$admin" \
  --bind "public=127.0.0.22:$sport" --peer "public=127.0.0.21:$bport" 2>"$tmp/log" &
server=$!
want=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len({p["ip_prefix"] for p in j["prefixes"] if p["service"]=="AMAZON"}))' "$ranges")
want_region=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len({p["ip_prefix"] for p in j["prefixes"] if p["service"]=="AMAZON" and p["region"]=="us-east-1"}))' "$ranges")
bc() { /usr/sbin/birdc -s "$tmp/bird.ctl" "$@"; }
imported() { bc show protocols all pubvif | sed -n 's/.*Routes: *\([0-9]*\) imported.*/\1/p'; }
for _ in $(seq 300); do [ "$(imported)" = "$want" ] && break; sleep 0.1; done
check "every AMAZON prefix advertised" "$want" "$(imported)"
# §2.2: NO_EXPORT on every route; 7224:8100 on the Region's (a prefix in two Regions counts in
# its narrowest scope, so at least the Region's own).
no_export=$(bc show route all protocol pubvif | grep -c "(65535,65281)")  # BIRD prints NO_EXPORT so
check "NO_EXPORT on all" "$want" "$no_export"
regional=$(bc show route all protocol pubvif | grep -c "(7224,8100)")
check "7224:8100 on the Region's" 1 "$([ "$regional" -ge "$want_region" ] && echo 1)"
continent=$(bc show route all protocol pubvif | grep -c "(7224,8200)")
check "7224:8200 on the continent's" 1 "$([ "$continent" -gt 0 ] && echo 1)"
check "AS_PATH of 3" 1 "$(bc show route all protocol pubvif | grep -m1 "BGP.as_path" | grep -c "7224 16509 16509")"
# What the customer advertises reaches AWS's side.
for _ in $(seq 100); do "$bin" routes --admin "127.0.0.1:$admin" | grep -q "203.0.113.0/24" && break; sleep 0.1; done
expect "customer prefix learned" 0 "203.0.113.0/24 +via dxvif-0b6f0009" -- "$bin" routes --admin "127.0.0.1:$admin"
expect "advertised_because" 0 "AWS's public prefixes, .*ip-ranges.json \(createDate" -- "$bin" routes --admin "127.0.0.1:$admin" --json
echo "bgp public vif: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
