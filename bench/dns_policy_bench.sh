#!/usr/bin/env bash
# The CPU cost of routing policies in `cloudtwin serve dns` (issue 12's target: policy answers at
# most 1.3x the CPU per query of static answers, in the same run):
#
#   bench/dns_policy_bench.sh CLOUDTWIN-BINARY
#
# One server (one UDP worker, pinned to SERVER_CPU) serves one zone holding, for NAMES names each
# (default 2,000): simple A records (static); three weighted sets (weighted); geolocation sets by
# country, continent and default, asked with an EDNS Client Subnet option and located in a
# GeoIP2-City database written by tests/dns/make_geo_fixture.pl (geo+ECS); and a failover pair
# whose primary has a health check (failover). For each round (ROUNDS, default 5) dnsperf, pinned
# to CLIENT_CPU, runs each query mix closed loop for SECONDS (default 4) s, one after the other,
# and the server's CPU time (utime + stime from /proc) over the answers = CPU per answered query.
# Prints the medians and each mix's ratio to static, round by round (the machine's load drifts
# less within a round than across the run). Everything listens on 127.0.0.1; stopped by pid.
set -euo pipefail
cloudtwin="$(readlink -f "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${ROUNDS:-5}"
seconds="${SECONDS_PER_RUN:-4}"
names="${NAMES:-2000}"
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
tmp=$(mktemp -d /tmp/cloudtwin-policybench.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && stop "$pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$(dirname "$0")/dns_lib.sh"  # free_port, cpu_seconds, stop, median

for tool in dnsperf taskset perl dig; do
  command -v "$tool" >/dev/null || { echo "dns_policy_bench: $tool is missing (scripts/install-deps installs it)" >&2; exit 2; }
done
perl "$root/tests/dns/make_geo_fixture.pl" "$tmp/geo.mmdb"

/usr/bin/python3 - "$tmp" "$names" <<'PY'
import random, sys
tmp, n = sys.argv[1], int(sys.argv[2])
random.seed(11)
out = ["health_checks:", "  - {name: primary, type: TCP, ip_address: 127.0.0.1, port: 9}",
       "hosted_zones:", "  - domain: bench.example", "    records:"]
for i in range(n):
    out.append(f"      - {{name: host{i}, type: A, ttl: 60, values: [10.0.{i >> 8 & 255}.{i & 255}]}}")
    for k, w in enumerate((1, 2, 3)):
        out.append(f"      - {{name: w{i}, type: A, ttl: 60, values: [10.1.{k}.{i & 255}], set_identifier: s{k}, weight: {w}}}")
    for k, loc in enumerate(("{country: DE}", "{country: US}", "{continent: EU}", "{continent: AS}", "{country: '*'}")):
        out.append(f"      - {{name: g{i}, type: A, ttl: 60, values: [10.2.{k}.{i & 255}], set_identifier: g{k}, geo_location: {loc}}}")
    out.append(f"      - {{name: f{i}, type: A, ttl: 60, values: [10.3.0.{i & 255}], set_identifier: p, failover: PRIMARY, health_check_id: primary}}")
    out.append(f"      - {{name: f{i}, type: A, ttl: 60, values: [10.3.1.{i & 255}], set_identifier: s, failover: SECONDARY}}")
open(f"{tmp}/policies.yaml", "w").write("\n".join(out) + "\n")
for mix, prefix in (("static", "host"), ("weighted", "w"), ("geo", "g"), ("failover", "f")):
    with open(f"{tmp}/{mix}.queries", "w") as q:
        for _ in range(50000):
            q.write(f"{prefix}{random.randrange(n)}.bench.example A\n")
PY

port=$(free_port)
taskset -c "$server_cpu" "$cloudtwin" serve dns "$tmp/policies.yaml" --listen "127.0.0.1:$port" --threads 1 \
  --geoip "$tmp/geo.mmdb" --health primary=healthy -q >/dev/null 2>"$tmp/log" &
pid=$!
for _ in $(seq 400); do
  dig +time=1 +tries=1 +short -p "$port" @127.0.0.1 host1.bench.example A 2>/dev/null | grep -q '^10\.' && break
  sleep 0.05
done
# ECS 198.51.100.128/25 (option 8: family 1, source 25, scope 0, 198.51.100.128): Germany in the
# fixture, so the geo mix answers the country set after walking the database.
ecs="8:00011900c6336480"
mixes=(static weighted geo failover)
for round in $(seq "$rounds"); do
  for mix in "${mixes[@]}"; do
    extra=()
    [ "$mix" = geo ] && extra=(-E "$ecs")
    before=$(cpu_seconds "$pid")
    taskset -c "$client_cpu" dnsperf -s 127.0.0.1 -p "$port" -d "$tmp/$mix.queries" -l "$seconds" -c 4 -q 200 \
      "${extra[@]}" >"$tmp/perf" 2>&1
    after=$(cpu_seconds "$pid")
    completed=$(awk '/Queries completed:/ {print $3}' "$tmp/perf")
    lost=$(awk '/Queries lost:/ {print $3}' "$tmp/perf")
    echo "$before $after $completed" | awk '{printf "%.3f\n", ($2 - $1) * 1e6 / $3}' >>"$tmp/$mix.cpu"
    echo "round $round $mix: $(tail -1 "$tmp/$mix.cpu") us CPU/query, $completed answered, $lost lost" >&2
  done
done
# One answer of each mix, to show the policy did choose (the geo one: the DE set, SCOPE 25).
dig +short -p "$port" @127.0.0.1 +subnet=198.51.100.128/25 g1.bench.example A | sed 's/^/geo answer: /' >&2

printf '%-10s %14s %16s\n' mix "CPU us/query" "ratio to static"
s=$(median <"$tmp/static.cpu")
for mix in "${mixes[@]}"; do
  m=$(median <"$tmp/$mix.cpu")
  r=$(paste "$tmp/$mix.cpu" "$tmp/static.cpu" | awk '{printf "%.3f\n", $1 / $2}' | median)
  printf '%-10s %14s %16s\n' "$mix" "$m" "$r"
done
for mix in weighted geo failover; do
  echo "$mix per round: $(paste "$tmp/$mix.cpu" "$tmp/static.cpu" | awk '{printf "%.2f ", $1 / $2}')"
done
