#!/usr/bin/env bash
# How long a failed virtual interface takes to leave the virtual private gateway's route table
# (issue 14: "the time from a withdrawn VIF to the updated route table"). BIRD 2 is the customer
# router on two private VIFs of tests/hybrid/fixtures/two_vifs_vpn.yaml, both advertising the same
# N prefixes, the primary with 7224:7300 (shared/reference/direct-connect.md §2.1) so it wins. Each
# round takes the primary away and polls `serve bgp --admin` GET /routes until every prefix's winner
# is the secondary, then brings it back:
#   withdraw: BIRD shuts the session down (`birdc disable`: Cease 6/2 reaches us at once);
#   bfd:      BIRD freezes (SIGSTOP): only BFD (300 ms x 3, RFC 5880) can tell, the hold time is 90 s.
# Prints the median and range per kind over ROUNDS rounds. Loopback only; BIRD and the server are
# stopped by their pids.
#
#   bench/bgp_failover.sh build/release/src/cli/cloudtwin [ROUNDS] [PREFIXES]
set -eu
bin="$1"
rounds="${2:-5}"
count="${3:-100}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bird=/usr/sbin/bird
birdc=/usr/sbin/birdc
tmp=$(mktemp -d /tmp/cloudtwin-bgpfail.XXXXXX)
server=""
birdpid=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$birdpid" ] && { kill -CONT "$birdpid" 2>/dev/null; kill "$birdpid" 2>/dev/null; }
  sleep 0.2
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

sport=$(free_port); b1=$(free_port); b2=$(free_port); admin=$(free_port)
routes=""
for i in $(seq 0 $((count - 1))); do routes+="route 172.$((16 + i / 256)).$((i % 256)).0/24 blackhole; "; done
session() {  # NAME LOCAL PORT AWS-ADDR PASSWORD COMMUNITY EXTRA
  cat <<EOF
protocol bgp $1 {
  local $2 port $3 as 65010;
  neighbor $4 port $sport as 64513;
  multihop; strict bind on; password "$5"; $7
  hold time 90; keepalive time 30;
  connect delay time 1; connect retry time 1; error wait time 1, 2;
  ipv4 { import none; export filter { if proto = "dc" then { bgp_community.add((7224,$6)); bgp_next_hop = 169.254.200.2; accept; } reject; }; };
}
EOF
}
cat >"$tmp/bird.conf" <<EOF
log "$tmp/bird.log" all;
router id 192.0.2.10;
protocol device { }
protocol bfd { multihop { min rx interval 300 ms; min tx interval 300 ms; multiplier 3; }; }
protocol static dc { ipv4; $routes }
$(session vif1 127.0.0.11 "$b1" 127.0.0.1 primary-md5 7300 'bfd on;')
$(session vif2 127.0.0.12 "$b2" 127.0.0.2 secondary-md5 7100 '')
EOF
"$bird" -c "$tmp/bird.conf" -s "$tmp/bird.ctl" -P "$tmp/bird.pid" -f >"$tmp/bird.out" 2>&1 &
birdpid=$!
taskset -c 0 "$bin" serve bgp "$root/tests/hybrid/fixtures/two_vifs_vpn.yaml" -q --bfd multihop \
  --admin "127.0.0.1:$admin" \
  --bind "dxvif-0b6f0001=127.0.0.1:$sport" --peer "dxvif-0b6f0001=127.0.0.11:$b1" \
  --bind "dxvif-0b6f0002=127.0.0.2:$sport" --peer "dxvif-0b6f0002=127.0.0.12:$b2" 2>"$tmp/log" &
server=$!

python3 - "$admin" "$tmp/bird.ctl" "$birdpid" "$rounds" "$count" <<'EOF'
import json, os, signal, statistics, subprocess, sys, time, urllib.request
admin, ctl, birdpid, rounds, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
url = f"http://127.0.0.1:{admin}/routes"

def winners():
    try:
        j = json.load(urllib.request.urlopen(url, timeout=5))
    except OSError:
        return {}
    out = {}
    for t in j.get("tables", []):
        for p in t["prefixes"]:
            out[p["prefix"]] = p["candidates"][0]["via"]
    return out

def wait(want, limit=120.0):
    start = time.monotonic()
    polls = 0
    while time.monotonic() - start < limit:
        w = winners()
        polls += 1
        if len(w) == count and all(v == want for v in w.values()):
            return time.monotonic(), polls
        time.sleep(0.002)
    sys.exit(f"no table with every prefix via {want} within {limit} s")

def birdc(*args):
    subprocess.run(["/usr/sbin/birdc", "-s", ctl, *args], stdout=subprocess.DEVNULL, check=True)

wait("dxvif-0b6f0001")
# What one poll costs (the table is computed per request): the resolution of what follows.
polls = []
for _ in range(20):
    t = time.monotonic()
    winners()
    polls.append((time.monotonic() - t) * 1000)
print(f"one GET /routes with {count} prefixes on 2 sessions: median {statistics.median(polls):.1f} ms")
results = {"withdraw": [], "bfd": []}
for r in range(rounds):
    t0 = time.monotonic()
    birdc("disable", "vif1")
    t1, polls = wait("dxvif-0b6f0002")
    results["withdraw"].append(t1 - t0)
    birdc("enable", "vif1")
    wait("dxvif-0b6f0001")
    time.sleep(3)  # BFD up again (1 s slow start, then 300 ms)
    t0 = time.monotonic()
    os.kill(birdpid, signal.SIGSTOP)
    t1, polls = wait("dxvif-0b6f0002")
    results["bfd"].append(t1 - t0)
    os.kill(birdpid, signal.SIGCONT)
    wait("dxvif-0b6f0001")
    time.sleep(3)
for kind, xs in results.items():
    ms = [x * 1000 for x in xs]
    print(f"{kind:9s} {count} prefixes: median {statistics.median(ms):7.1f} ms  (min {min(ms):.1f}, max {max(ms):.1f}, {len(ms)} rounds)")
EOF
