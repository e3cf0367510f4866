#!/usr/bin/env bash
# `serve bgp` end to end against a real BIRD 2 as the customer router, on loopback
# (tests/hybrid/fixtures/two_vifs_vpn.yaml: two private VIFs with MD5 into a Direct Connect
# gateway, a BGP VPN's two tunnels on the same virtual private gateway). Checks, citing
# shared/reference/direct-connect.md: all four sessions come up (§2.4 hold time negotiated down to
# BIRD's 9 s); AWS advertises the VPC CIDR through the allowed prefix on the VIFs and the VPC CIDRs
# on the tunnels (§2.6); the routes BIRD sends arrive with communities and prepends (§2.1);
# `routes` and `routes --json` through --admin; metrics; a VIF disabled in BIRD goes down and its
# routes go away; SIGHUP keeps sessions up and sends a new VPC CIDR (§2.6); SIGTERM ends every
# session with Cease 6/2; bad command lines. Everything listens on 127.0.0.x; BIRD and the server
# are stopped by their pids. Skipped (exit 77) without BIRD.
set -u
bin="$1"
root="$2"
bird=/usr/sbin/bird
birdc=/usr/sbin/birdc
[ -x "$bird" ] && [ -x "$birdc" ] || { echo "SKIP: BIRD 2 not installed"; exit 77; }
tmp=$(mktemp -d /tmp/cloudtwin-bgpserve.XXXXXX)
server=""
birdpid=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; [ -n "$birdpid" ] && kill "$birdpid" 2>/dev/null; sleep 0.2; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {  # SECONDS COMMAND...: until the command succeeds
  local limit=$(($1 * 10))
  shift
  for _ in $(seq "$limit"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
check() {  # NAME WANT GOT
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL $1: want '$2', got '$3'"; fail=$((fail + 1)); fi
}
has() {  # NAME PATTERN TEXT
  if grep -qE -- "$2" <<<"$3"; then pass=$((pass + 1)); else echo "FAIL $1: no /$2/ in:"; echo "$3" | head -40; fail=$((fail + 1)); fi
}

net="$tmp/net.yaml"
cp "$root/tests/hybrid/fixtures/two_vifs_vpn.yaml" "$net"
vif1=dxvif-0b6f0001
vif2=dxvif-0b6f0002
tun1=vpn-0b6f00000000000a1/tunnel-1
tun2=vpn-0b6f00000000000a1/tunnel-2

# ---- bad command lines (no server needed) -----------------------------------------------------
expect "unknown session" 2 "no such session.*its sessions: $vif1, $vif2" -- "$bin" serve bgp "$net" --bind nosuch=127.0.0.1:1790
expect "malformed --bind" 2 "expected SESSION=ADDR\[:PORT\]" -- "$bin" serve bgp "$net" --bind "$vif1=not-an-address"
expect "port out of range" 2 "expected SESSION=ADDR" -- "$bin" serve bgp "$net" --peer "$vif1=127.0.0.1:70000"
printf 'vpcs:\n  - {name: v, cidr_block: 10.0.0.0/16}\n' >"$tmp/empty.yaml"
expect "no session" 2 "no BGP session to serve" -- "$bin" serve bgp "$tmp/empty.yaml"
printf 'virtual_interfaces:\n  - {id: dxvif-x, type: private, vlan: 5000}\n' >"$tmp/bad.yaml"
expect "bad network" 2 "bad.yaml:2:.*dxvif-x" -- "$bin" serve bgp "$tmp/bad.yaml"
printf '{"learned": [{"session": "dxvif-nope", "resource": "dxvif-nope", "prefix": "192.168.0.0/16"}]}\n' >"$tmp/bad-routes.json"
expect "routes file naming nothing" 2 "bad-routes.json:1:.*dxvif-nope" -- "$bin" trace "$net" --routes "$tmp/bad-routes.json" --from app-1 --to 192.168.1.10 --port 443
expect "routes file missing" 2 "nothing.json" -- "$bin" trace "$net" --routes "$tmp/nothing.json" --from app-1 --to 192.168.1.10 --port 443
expect "routes and bgp-admin" 2 "give one of them" -- "$bin" reach "$net" --routes "$tmp/bad-routes.json" --bgp-admin 127.0.0.1:1 --from app-1 --to 192.168.1.10
expect "bgp-admin not running" 2 "--bgp-admin 127.0.0.1:1: cannot connect" -- "$bin" trace "$net" --bgp-admin 127.0.0.1:1 --from app-1 --to 192.168.1.10 --port 443
expect "routes without a speaker" 2 "cannot connect to the admin endpoint" -- "$bin" routes --admin "127.0.0.1:$(free_port)"

# ---- BIRD as the data centre's router ---------------------------------------------------------
sport=$(free_port)
b1=$(free_port); b2=$(free_port); b3=$(free_port); b4=$(free_port)
session() {  # NAME LOCAL-ADDR PORT AWS-ASN OPTIONS EXPORT-EXTRA AWS-ADDR
  cat <<EOF
protocol bgp $1 {
  local $2 port $3 as 65010;
  neighbor $7 port $sport as $4;
  multihop; strict bind on;
  $5
  hold time 30; keepalive time 10;
  connect delay time 1; connect retry time 1; error wait time 1, 2;
  ipv4 { import all; export filter { if proto = "dc" then { $6 bgp_next_hop = 169.254.200.2; accept; } reject; }; };
}
EOF
}
cat >"$tmp/bird.conf" <<EOF
log "$tmp/bird.log" all;
router id 192.0.2.10;
protocol device { }
protocol bfd { multihop { min rx interval 300 ms; min tx interval 300 ms; multiplier 3; }; }
protocol static dc { ipv4; route 192.168.0.0/16 blackhole; route 192.168.7.0/24 blackhole; }
# §2.4: a VIF through a Direct Connect gateway peers with the gateway's ASN (64513), a VPN with
# the virtual private gateway's (64512).
$(session vif1 127.0.0.11 "$b1" 64513 'password "primary-md5"; bfd on;' 'bgp_community.add((7224,7300));' 127.0.0.1)
$(session vif2 127.0.0.12 "$b2" 64513 'password "secondary-md5";' 'bgp_community.add((7224,7100)); bgp_path.prepend(65010);' 127.0.0.2)
$(session tun1 127.0.0.13 "$b3" 64512 '' 'bgp_med = 50;' 127.0.0.3)
$(session tun2 127.0.0.14 "$b4" 64512 '' '' 127.0.0.4)
EOF
"$bird" -c "$tmp/bird.conf" -s "$tmp/bird.ctl" -P "$tmp/bird.pid" -f >"$tmp/bird.out" 2>&1 &
birdpid=$!
bc() { "$birdc" -s "$tmp/bird.ctl" "$@"; }

admin=$(free_port)
metrics=$(free_port)
"$bin" serve bgp "$net" -q --bfd multihop --admin "127.0.0.1:$admin" --metrics "127.0.0.1:$metrics" \
  --bind "$vif1=127.0.0.1:$sport" --peer "$vif1=127.0.0.11:$b1" \
  --bind "secondary=127.0.0.2:$sport" --peer "secondary=127.0.0.12:$b2" \
  --bind "$tun1=127.0.0.3:$sport" --peer "$tun1=127.0.0.13:$b3" \
  --bind "$tun2=127.0.0.4:$sport" --peer "$tun2=127.0.0.14:$b4" 2>"$tmp/log" &
server=$!
established() { [ "$(grep -c ' established with AS65010' "$tmp/log")" -ge "${1:-4}" ]; }
wait_for 30 established || { echo "FAIL sessions did not come up"; cat "$tmp/log" "$tmp/bird.log"; "$bin" routes --admin "127.0.0.1:$admin"; bc show protocols all; exit 1; }
has "one start line" "serve bgp: serving 4 of 4 session\(s\) running \(2 virtual interface\(s\), 2 VPN tunnel\(s\)\); admin on http://127.0.0.1:$admin" "$(cat "$tmp/log")"
# §2.4: the hold time negotiates down to the lower of the two (BIRD 30 s, AWS 90 s on a VIF).
has "hold negotiated" "session $vif1 established with AS65010 at 127.0.0.11 \(hold 30 s\)" "$(cat "$tmp/log")"
# §2.4: AWS runs BFD on the VIF once the router does (BIRD's `bfd on`); 300 ms x 3.
wait_for 15 grep -q "session $vif1: BFD up" "$tmp/log"
has "BFD up" "session $vif1: BFD up" "$(cat "$tmp/log")"

learned_count() { "$bin" routes --admin "127.0.0.1:$admin" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["learned"]))'; }
wait_for 15 test "$(learned_count)" = 8
json=$("$bin" routes --admin "127.0.0.1:$admin" --json)
# What the customer router sent, per session, as `trace --routes FILE` reads it (docs/hybrid.md).
route_of() {  # SESSION PREFIX FIELD
  python3 -c 'import json,sys; j=json.load(sys.stdin)
for r in j["learned"]:
  if r["session"]==sys.argv[1] and r["prefix"]==sys.argv[2]: print(json.dumps(r[sys.argv[3]]))' "$1" "$2" "$3" <<<"$json"
}
check "vif1 community" '["7224:7300"]' "$(route_of "$vif1" 192.168.0.0/16 communities)"
check "vif1 path" '[65010]' "$(route_of "$vif1" 192.168.0.0/16 as_path)"
check "vif2 prepended" '[65010, 65010]' "$(route_of "$vif2" 192.168.7.0/24 as_path)"
check "vif2 community" '["7224:7100"]' "$(route_of "$vif2" 192.168.7.0/24 communities)"
check "tunnel MED" '50' "$(route_of "$tun1" 192.168.0.0/16 med)"
check "tunnel no MED" 'null' "$(route_of "$tun2" 192.168.0.0/16 med)"
check "resource of a tunnel" '"vpn-0b6f00000000000a1"' "$(route_of "$tun2" 192.168.0.0/16 resource)"
check "tunnel number" '2' "$(route_of "$tun2" 192.168.0.0/16 tunnel)"
text=$("$bin" routes --admin "127.0.0.1:$admin")
has "routes text sessions" "^4 BGP session\(s\):" "$text"
has "routes text row" "$vif1 +Established +AS64513 127.0.0.1 <-> AS65010 127.0.0.11, 2 prefix\(es\) received, 1 advertised" "$text"
has "routes text learned" "192.168.7.0/24 +via $vif2 +AS_PATH 65010 65010, communities 7224:7100" "$text"
# §1.2, §2.1: the virtual private gateway's choice, with why: Direct Connect over VPN, then the
# local preference community (7224:7300 on vif1) before AS_PATH.
has "gateway table" "virtual private gateway vgw-0b6f00000000000a1 \(prod-vgw\): 2 prefix\(es\) towards on-premises" "$text"
has "winner with why" "192.168.0.0/16 +-> $vif1 \(Direct Connect BGP, local preference 7224:7300, AS_PATH 1, MED 0\): local preference 7224:7300 beats 7224:7100" "$text"
# aws-vpc.md §1.1, direct-connect.md §1.1: the route table that propagates from the gateway.
has "propagated route" "route table rtb-app \(app\): 2 propagated route\(s\)" "$text"
has "propagated origin" "192.168.0.0/16 +-> vgw-0b6f00000000000a1 \(EnableVgwRoutePropagation \(Direct Connect\)\)" "$text"
# trace names the VIF the packet leaves by, from the running speaker or a saved file.
hop_out() {  # the VirtualInterface / VPNConnection hop of the forward path
  "$bin" trace "$net" "$@" --from app-1 --to 192.168.1.10 --port 443 | sed -n '/Forward path/,/Return path/p' |
    grep -E "VirtualInterface|VPNConnection" | awk '{print $3}'
}
check "trace via the running speaker" "$vif1" "$(hop_out --bgp-admin "127.0.0.1:$admin")"
"$bin" routes --admin "127.0.0.1:$admin" --json >"$tmp/routes.json"
check "trace via a saved file" "$vif1" "$(hop_out --routes "$tmp/routes.json")"
# §2.6: through the Direct Connect gateway the VIF advertises the VPC CIDR its allowed prefix
# covers; the VPN tunnels advertise the VPC's CIDRs.
wait_for 10 bash -c "'$birdc' -s '$tmp/bird.ctl' show route protocol vif1 | grep -q 10.20.0.0/16"
has "BIRD learned the VPC over vif1" "10.20.0.0/16" "$(bc show route protocol vif1)"
has "BIRD learned the VPC over tun1" "10.20.0.0/16" "$(bc show route protocol tun1)"
m=$(curl -s "http://127.0.0.1:$metrics/metrics")
has "metrics established" "^cloudtwin_bgp_sessions_established 4$" "$m"
has "metrics prefixes" "^cloudtwin_bgp_prefixes_received\{session=\"$vif1\",family=\"ipv4\"\} 2$" "$m"
has "admin metrics too" "cloudtwin_bgp_session_up" "$(curl -s "http://127.0.0.1:$admin/metrics")"
check "admin 404" "404" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin/nothing")"
check "admin 405" "405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$admin/routes")"

# A failed link: the customer side of vif1 shuts down; AWS's side drops its routes.
bc disable vif1 >/dev/null
wait_for 15 grep -q "session $vif1 down" "$tmp/log"
has "down logged" "session $vif1 down: .*(Cease|shutdown)" "$(cat "$tmp/log")"
wait_for 10 test "$(learned_count)" = 6
check "vif1's routes gone" 6 "$(learned_count)"
# The failed link moves traffic to the other VIF (§2.1), then, with both VIFs down, to the VPN:
# tunnel 1 for its MED 50 against tunnel 2's default 100 (§1.3).
check "trace moves to vif2" "$vif2" "$(hop_out --bgp-admin "127.0.0.1:$admin")"
bc disable vif2 >/dev/null
wait_for 15 test "$(learned_count)" = 4
check "trace moves to the VPN" "vpn-0b6f00000000000a1" "$(hop_out --bgp-admin "127.0.0.1:$admin")"
has "tunnel 1 named" "VPNConnection +vpn-0b6f00000000000a1 \(backup\) +tunnel 1 " "$("$bin" trace "$net" --bgp-admin "127.0.0.1:$admin" --from app-1 --to 192.168.1.10 --port 443)"
bc enable vif2 >/dev/null
bc enable vif1 >/dev/null
wait_for 30 established 6
wait_for 15 test "$(learned_count)" = 8
check "vif1 back" 8 "$(learned_count)"

# A silent failure (BIRD frozen): BFD takes vif1's BGP session down in about a second, long
# before the 30 s hold timer would; the other sessions are still up then. Thawed, all come back.
kill -STOP "$birdpid"
frozen=$(date +%s)
wait_for 10 grep -q "session $vif1: BFD down" "$tmp/log"
has "BFD down" "session $vif1: BFD down \(Control Detection Time Expired\); taking the BGP session down" "$(cat "$tmp/log")"
state_of() { "$bin" routes --admin "127.0.0.1:$admin" --json | python3 -c 'import json,sys
for s in json.load(sys.stdin)["sessions"]:
  if s["name"]==sys.argv[1]: print(s["state"])' "$1"; }
check "vif2 still up" Established "$(state_of "$vif2")"
check "vif1 not" 1 "$([ "$(state_of "$vif1")" != Established ] && echo 1)"
check "well before the hold time" 1 "$([ $(($(date +%s) - frozen)) -lt 20 ] && echo 1)"
kill -CONT "$birdpid"
wait_for 30 test "$(learned_count)" = 8
check "back after the thaw" 8 "$(learned_count)"
up_count=$(grep -c ' established with AS65010' "$tmp/log")

# SIGHUP: a second VPC CIDR; every session stays up; the tunnels advertise it (§2.6: the VPC's
# CIDRs), the VIFs do not (the allowed prefix 10.20.0.0/16 does not cover it).
sed -i 's|{name: prod, cidr_block: 10.20.0.0/16}|{name: prod, cidr_block: 10.20.0.0/16, secondary_cidr_blocks: [10.21.0.0/16]}|' "$net"
kill -HUP "$server"
wait_for 10 grep -q "reloaded (SIGHUP)" "$tmp/log"
has "reload kept sessions" "reloaded \(SIGHUP\): 4 session\(s\) kept, 0 started, 0 stopped" "$(cat "$tmp/log")"
wait_for 10 bash -c "'$birdc' -s '$tmp/bird.ctl' show route protocol tun1 | grep -q 10.21.0.0/16"
has "tunnel advertises the new CIDR" "10.21.0.0/16" "$(bc show route protocol tun1)"
check "VIF does not" "" "$(bc show route protocol vif2 | grep -o 10.21.0.0/16)"
check "no session bounced" "$up_count" "$(grep -c ' established with AS65010' "$tmp/log")"
# A broken network on reload: rejected, still serving.
cp "$net" "$tmp/net.good"
echo "vpcs: [" >>"$net"
kill -HUP "$server"
wait_for 10 grep -q "reload rejected" "$tmp/log"
has "reload rejected" "reload rejected \(SIGHUP\): the errors above; still serving 4 of 4" "$(cat "$tmp/log")"
check "still learned" 8 "$(learned_count)"

# SIGTERM: Cease 6/2 (Administrative Shutdown) on every session; exits 0.
kill -TERM "$server"
wait "$server"
check "exit 0 on SIGTERM" 0 "$?"
server=""
has "stopped logged" "serve bgp: stopped" "$(cat "$tmp/log")"
wait_for 5 grep -qi "administrative shutdown" "$tmp/bird.log"
has "BIRD saw Cease 6/2" "[Aa]dministrative shutdown" "$(cat "$tmp/bird.log")"

echo "bgp serve: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
