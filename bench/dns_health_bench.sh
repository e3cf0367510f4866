#!/usr/bin/env bash
# What health checking costs `cloudtwin serve dns` (issue 12's target: 1,000 checked endpoints
# under 5 % of a core):
#
#   bench/dns_health_bench.sh CLOUDTWIN-BINARY
#
# CHECKS health checks (default 1,000; half HTTP, half TCP) at RequestInterval INTERVAL (default
# 30 s, Route 53's default; 10 is the fast one) probe one local HTTP server (Python asyncio,
# pinned to CLIENT_CPU) as eight checkers each, staggered over the interval, as Route 53 does:
# 8 x CHECKS / INTERVAL probes a second. After WARMUP seconds (default one interval, so every
# checker has started) the server's CPU time (utime + stime from /proc, every thread) is read
# over WINDOW seconds (default 30), ROUNDS times (default 3): CPU time / wall time = the share of
# a core. The probes counted by the server's own metrics over the window give the rate it kept.
# Everything listens on 127.0.0.1; stopped by pid.
set -euo pipefail
cloudtwin="$(readlink -f "$1")"
checks="${CHECKS:-1000}"
interval="${INTERVAL:-30}"
warmup="${WARMUP:-$interval}"
window="${WINDOW:-30}"
rounds="${ROUNDS:-3}"
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
tmp=$(mktemp -d /tmp/cloudtwin-healthbench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do stop "$p"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$(dirname "$0")/dns_lib.sh"  # free_port, cpu_seconds, stop, median

http_port=$(free_port)
cat >"$tmp/endpoint.py" <<'PY'
import asyncio, sys
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
async def serve(reader, writer):
    try:
        data = await asyncio.wait_for(reader.read(4096), 5)
        if data:
            writer.write(RESPONSE)
            await writer.drain()
    except Exception:
        pass
    writer.close()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=4096)
    async with server:
        await server.serve_forever()
asyncio.run(main())
PY
taskset -c "$client_cpu" /usr/bin/python3 "$tmp/endpoint.py" "$http_port" &
pids+=($!)

/usr/bin/python3 - "$tmp" "$checks" "$interval" "$http_port" <<'PY'
import sys
tmp, n, interval, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
out = ["health_checks:"]
for i in range(n):
    kind = "HTTP" if i % 2 == 0 else "TCP"
    path = ", resource_path: /health" if kind == "HTTP" else ""
    out.append(f"  - {{name: c{i}, type: {kind}, ip_address: 127.0.0.1, port: {port}, request_interval: {interval}{path}}}")
out += ["hosted_zones:", "  - domain: bench.example", "    records:"]
for i in range(n):
    out.append(f"      - {{name: w{i}, type: A, ttl: 60, values: [10.0.{i >> 8 & 255}.{i & 255}], set_identifier: a, weight: 1, health_check_id: c{i}}}")
    out.append(f"      - {{name: w{i}, type: A, ttl: 60, values: [10.1.{i >> 8 & 255}.{i & 255}], set_identifier: b, weight: 1}}")
open(f"{tmp}/checks.yaml", "w").write("\n".join(out) + "\n")
PY

dns_port=$(free_port)
metrics_port=$(free_port)
taskset -c "$server_cpu" "$cloudtwin" serve dns "$tmp/checks.yaml" --listen "127.0.0.1:$dns_port" --threads 1 \
  --metrics "127.0.0.1:$metrics_port" -q 2>"$tmp/log" &
server=$!
pids+=("$server")
probes() { curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^cloudtwin_dns_health_check_probes_total/ {s += $2} END {printf "%d", s}'; }
unhealthy() { curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^cloudtwin_dns_health_check_healthy/ && $2 == 0 {n++} END {printf "%d", n}'; }
sleep "$warmup"
echo "checks $checks, interval ${interval}s: expected $((8 * checks / interval)) probes/s" >&2
for round in $(seq "$rounds"); do
  p0=$(probes)
  c0=$(cpu_seconds "$server")
  t0=$(date +%s.%N)
  sleep "$window"
  c1=$(cpu_seconds "$server")
  t1=$(date +%s.%N)
  p1=$(probes)
  echo "$c0 $c1 $t0 $t1" | awk '{printf "%.3f\n", 100 * ($2 - $1) / ($4 - $3)}' >>"$tmp/share"
  echo "$p0 $p1 $t0 $t1" | awk '{printf "%.0f\n", ($2 - $1) / ($4 - $3)}' >>"$tmp/rate"
  echo "round $round: $(tail -1 "$tmp/share") % of a core, $(tail -1 "$tmp/rate") probes/s, $(unhealthy) check(s) unhealthy" >&2
done
echo "median: $(median <"$tmp/share") % of a core for $checks checks at ${interval}s ($(median <"$tmp/rate") probes/s)"
