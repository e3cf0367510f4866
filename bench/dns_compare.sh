#!/usr/bin/env bash
# cloudtwin serve dns side by side with Knot and NSD (Debian packages), in one run, on the same
# 10,000-record zone and the same query mix (hits, NXDOMAIN, wildcards, CNAMEs), each server
# pinned to one core with one UDP worker and dnsperf pinned to the other:
#
#   bench/dns_compare.sh CLOUDTWIN-BINARY
#
# For each server and round (ROUNDS, default 3; servers alternate within a round):
#   1. throughput: dnsperf closed loop for SECONDS (default 5) s; the server's CPU time (utime +
#      stime of its whole process tree, from /proc, before and after) divided by the queries
#      answered = CPU time per answered query, the figure that matters when the client is the
#      limit (route53.md §9);
#   2. latency: dnsperf at a fixed RATE (default 20000/s) with -v; p50/p99 of the responses'
#      latencies, and queries lost;
#   3. memory: the tree's RSS with the zone loaded, minus the RSS with a one-record zone, per
#      record.
# Prints the medians, cloudtwin's ratio to Knot and NSD, and the same ratios round by round.
# Everything listens on 127.0.0.1; every process is stopped by its pid.
set -euo pipefail
cloudtwin="$(readlink -f "$1")"
rounds="${ROUNDS:-3}"
seconds="${SECONDS_PER_RUN:-5}"
rate="${RATE:-20000}"
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
records="${RECORDS:-10000}"
tmp=$(mktemp -d /tmp/cloudtwin-dnsbench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

for tool in dnsperf knotd nsd taskset; do
  command -v "$tool" >/dev/null || { echo "dns_compare: $tool is missing (scripts/install-deps installs it)" >&2; exit 2; }
done

# ---- the zone and the queries -------------------------------------------------------------------
/usr/bin/python3 - "$tmp" "$records" <<'EOF'
import random, sys
tmp, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
lines = ["$ORIGIN bench.example.", "$TTL 300",
         "@ 900 IN SOA ns1 hostmaster 1 7200 900 1209600 86400",
         "@ IN NS ns1", "@ IN NS ns2", "ns1 IN A 192.0.2.1", "ns2 IN A 192.0.2.2",
         "@ IN MX 10 mail", "mail IN A 192.0.2.25", "*.wild IN A 192.0.2.99", "*.wild IN TXT \"wildcard\""]
hosts = n - len(lines) + 2 - n // 10
for i in range(hosts):
    lines.append(f"host{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
for i in range(n // 10):
    lines.append(f"alias{i} IN CNAME host{random.randrange(hosts)}")
open(f"{tmp}/bench.example.zone", "w").write("\n".join(lines) + "\n")
open(f"{tmp}/tiny.example.zone", "w").write(
    "$ORIGIN bench.example.\n@ 900 IN SOA ns1 hostmaster 1 7200 900 1209600 86400\n@ IN NS ns1\n")
with open(f"{tmp}/queries", "w") as q:
    for _ in range(100000):
        r = random.random()
        if r < 0.6:
            q.write(f"host{random.randrange(hosts)}.bench.example A\n")
        elif r < 0.75:
            q.write(f"nx{random.randrange(1 << 20)}.bench.example A\n")
        elif r < 0.85:
            q.write(f"w{random.randrange(1 << 20)}.wild.bench.example A\n")
        elif r < 0.95:
            q.write(f"alias{random.randrange(n // 10)}.bench.example A\n")
        else:
            q.write(f"host{random.randrange(hosts)}.bench.example AAAA\n")
EOF

source "$(dirname "$0")/dns_lib.sh"  # free_port, tree, cpu_seconds, rss_kib, stop, median

# ---- starting each server on ZONEFILE, PORT; prints its pid -------------------------------------
start_cloudtwin() {
  taskset -c "$server_cpu" "$cloudtwin" serve dns "$1" --listen "127.0.0.1:$2" --threads 1 -q \
    >/dev/null 2>"$tmp/cloudtwin.log" &
  echo $!
}
start_knot() {
  local dir="$tmp/knot-$2"
  mkdir -p "$dir"
  cp "$1" "$dir/bench.example.zone"
  cat >"$dir/knot.conf" <<EOF
server:
    rundir: "$dir"
    listen: 127.0.0.1@$2
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir"
log:
  - target: stderr
    any: error
template:
  - id: default
    storage: "$dir"
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
    semantic-checks: off
zone:
  - domain: bench.example
EOF
  taskset -c "$server_cpu" knotd -c "$dir/knot.conf" >/dev/null 2>"$dir/log" &
  echo $!
}
start_nsd() {
  local dir="$tmp/nsd-$2"
  mkdir -p "$dir"
  cp "$1" "$dir/bench.example.zone"
  cat >"$dir/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$2
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    pidfile: "$dir/nsd.pid"
    xfrdfile: "$dir/xfrd.state"
    zonelistfile: "$dir/zone.list"
    logfile: "$dir/log"
    verbosity: 0
    # NSD limits responses to 200/s per /24 by default (RRL): off, as Knot's and cloudtwin's are.
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: bench.example
    zonefile: "bench.example.zone"
EOF
  taskset -c "$server_cpu" nsd -d -c "$dir/nsd.conf" >/dev/null 2>>"$dir/log" &
  echo $!
}

wait_ready() {
  for _ in $(seq 200); do
    if dig +time=1 +tries=1 +short -p "$1" @127.0.0.1 bench.example SOA 2>/dev/null | grep -q hostmaster; then return 0; fi
    sleep 0.05
  done
  echo "dns_compare: a server did not answer on port $1" >&2
  return 1
}

servers=(cloudtwin knot nsd)
for round in $(seq "$rounds"); do
  for s in "${servers[@]}"; do
    # Memory: the tiny zone, then the bench zone.
    port=$(free_port)
    pid=$("start_$s" "$tmp/tiny.example.zone" "$port")
    pids+=("$pid")
    wait_ready "$port"
    sleep 0.3
    tiny=$(rss_kib "$pid")
    stop "$pid"
    port=$(free_port)
    pid=$("start_$s" "$tmp/bench.example.zone" "$port")
    pids+=("$pid")
    wait_ready "$port"
    sleep 0.3
    full=$(rss_kib "$pid")
    echo "$full $tiny $records" | awk '{printf "%.1f\n", ($1 - $2) * 1024 / $3}' >>"$tmp/$s.mem"

    # Throughput: closed loop; CPU per answered query.
    before=$(cpu_seconds "$pid")
    taskset -c "$client_cpu" dnsperf -s 127.0.0.1 -p "$port" -d "$tmp/queries" -l "$seconds" -c 4 -q 200 \
      >"$tmp/perf" 2>&1
    after=$(cpu_seconds "$pid")
    completed=$(awk '/Queries completed:/ {print $3}' "$tmp/perf")
    qps=$(awk '/Queries per second:/ {print $4}' "$tmp/perf")
    lost=$(awk '/Queries lost:/ {print $3}' "$tmp/perf")
    echo "$before $after $completed" | awk '{printf "%.3f\n", ($2 - $1) * 1e6 / $3}' >>"$tmp/$s.cpu"
    echo "$qps" >>"$tmp/$s.qps"

    # Latency at a fixed rate, every response timed.
    taskset -c "$client_cpu" dnsperf -s 127.0.0.1 -p "$port" -d "$tmp/queries" -l "$seconds" -Q "$rate" -v \
      >"$tmp/lat" 2>&1
    grep -E '^> ' "$tmp/lat" | awk '{print $NF * 1e6}' | sort -g >"$tmp/lat.sorted"
    n=$(wc -l <"$tmp/lat.sorted")
    awk -v n="$n" 'NR == int(n * 0.50) + 1 {print}' "$tmp/lat.sorted" >>"$tmp/$s.p50"
    awk -v n="$n" 'NR == int(n * 0.99) + 1 {print}' "$tmp/lat.sorted" >>"$tmp/$s.p99"
    awk '/Queries lost:/ {print $3}' "$tmp/lat" >>"$tmp/$s.lost"
    stop "$pid"
    echo "round $round $s: $(tail -1 "$tmp/$s.cpu") us CPU/query at $qps qps (lost $lost), p99 $(tail -1 "$tmp/$s.p99") us at $rate/s (lost $(tail -1 "$tmp/$s.lost")), $(tail -1 "$tmp/$s.mem") B/record" >&2
  done
done

printf '%-10s %14s %12s %10s %10s %10s %12s\n' server "CPU us/query" "qps" "p50 us" "p99 us" "lost" "B/record"
for s in "${servers[@]}"; do
  printf '%-10s %14s %12s %10s %10s %10s %12s\n' "$s" "$(median <"$tmp/$s.cpu")" "$(median <"$tmp/$s.qps")" \
    "$(median <"$tmp/$s.p50")" "$(median <"$tmp/$s.p99")" "$(median <"$tmp/$s.lost")" "$(median <"$tmp/$s.mem")"
done
c=$(median <"$tmp/cloudtwin.cpu")
k=$(median <"$tmp/knot.cpu")
n=$(median <"$tmp/nsd.cpu")
echo "$c $k $n" | awk '{printf "cloudtwin CPU per answered query: %.2fx Knot, %.2fx NSD\n", $1 / $2, $1 / $3}'
# The same ratio round by round (the servers of one round ran minutes apart at most, so a round's
# ratio is less exposed to the machine's load shifting than the ratio of medians is).
kr=$(paste "$tmp/cloudtwin.cpu" "$tmp/knot.cpu" | awk '{printf "%.3f\n", $1 / $2}')
nr=$(paste "$tmp/cloudtwin.cpu" "$tmp/nsd.cpu" | awk '{printf "%.3f\n", $1 / $2}')
echo "per round: $(echo $kr) vs Knot, $(echo $nr) vs NSD; medians $(echo "$kr" | median)x Knot, $(echo "$nr" | median)x NSD"
