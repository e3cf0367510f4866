#!/usr/bin/env bash
# cloudtwin's CloudFront edge (`serve cdn`) side by side with nginx `proxy_cache` and Varnish, in
# one run, on the same origin and the same objects (cloudfront.md §16: "benchmark against nginx
# proxy_cache in the same run with the same wrk command and report the ratio"):
#
#   bench/cdn_bench.sh CLOUDTWIN-BINARY [--json FILE]
#
# One origin (nginx serving files from the temp dir, `Cache-Control: max-age=3600`, pinned to
# CLIENT_CPU) holds a 1 KB and a 100 KB object and answers any /miss/… or /fill/… path with 1 KB.
# Three caches in front of it, each pinned to SERVER_CPU (default 0) with one worker:
#   cloudtwin   `serve cdn --threads 1`, a distribution with AWS's CachingOptimized policy;
#   nginx       `proxy_cache` (its files in the temp dir, on /dev/shm when there is one),
#               worker_processes 1, keep-alive to the origin, no access log;
#   varnish     `varnishd -j none`, thread_pools=1, malloc storage, the builtin VCL (Varnish
#               serves each connection on a thread of its pool: one pool, one core, not one
#               thread).
# wrk (`-t1 -c50 --latency`, pinned to CLIENT_CPU, default 1) runs for SECONDS_PER_RUN (default 5)
# s per scenario and server, ROUNDS (default 5) times, servers alternating within each scenario of
# each round so the machine's drift hits all alike:
#   hit-1k     GET /1k.bin, warmed, so every request is a hit;
#   hit-100k   GET /100k.bin, likewise;
#   miss90     nine requests in ten for a path never asked before (/miss/RUN/N: a miss, fetched
#              from the origin and stored), the tenth for /1k.bin (a hit).
# Server CPU per request = utime + stime of the server's whole process tree (/proc/PID/stat,
# every thread and process: nginx's master and worker, varnishd's manager and child) across the
# run, divided by the requests wrk completed. p99 from wrk's latency distribution. Memory per
# cached object = the tree's proportional set size (Pss, so memory nginx's processes share is
# counted once) after filling FILL (default 20,000) distinct 1 KB objects, minus before, over
# FILL. nginx keeps its cached bodies in files (tmpfs or the page cache, not its processes'
# memory); the script prints those files' size per object beside it.
# Prints the medians per server and scenario, and cloudtwin's ratio to each anchor as the median
# of the per-round ratios; `--json FILE` writes them (and every run) as JSON. Everything listens
# on free ports of 127.0.0.1; every process is stopped by its pid; the temp dir is removed.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/cdn_bench.sh CLOUDTWIN-BINARY [--json FILE]" >&2; exit 2; }
cloudtwin="$(readlink -f "$1")"
shift
json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json="$(readlink -f "$2")"; shift 2 ;;
    *) echo "cdn_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
rounds="${ROUNDS:-5}"
seconds="${SECONDS_PER_RUN:-5}"
connections="${CONNECTIONS:-50}"
fill="${FILL:-20000}"
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
# In RAM when /dev/shm is there: nginx's cache files then live in memory like the others' caches
# (its misses do not wait on a disk), and removing a few hundred thousand of them is quick.
tmp_base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && tmp_base=/dev/shm
tmp=$(mktemp -d "$tmp_base/cloudtwin-cdnbench.XXXXXX")
chmod 755 "$tmp"
declare -A pid=()
cleanup() {
  for p in "${!pid[@]}"; do stop "${pid[$p]}"; echo "[${SECONDS}s] stopped $p" >&2; done
  rm -rf "$tmp"
  echo "[${SECONDS}s] removed $tmp" >&2
}
trap cleanup EXIT
source "$(dirname "$0")/dns_lib.sh"  # stop

# The pids of a process tree, from one `ps` (every process whose chain of parents reaches $1).
tree_pids() {
  ps -e -o pid=,ppid= | awk -v root="$1" '{parent[$1] = $2}
    END {for (p in parent) {q = p; while (q != root && q in parent && q > 1) q = parent[q]; if (q == root) print p}}'
}

# CPU seconds (utime + stime, every thread) of a process tree.
tree_cpu() {
  local stats=()
  for p in $(tree_pids "$1"); do stats+=("/proc/$p/stat"); done
  # utime and stime: fields 14 and 15, counted after the command name, which may hold spaces
  cat "${stats[@]}" 2>/dev/null | sed 's/.*) //' | awk -v hz="$(getconf CLK_TCK)" '{t += $12 + $13} END {printf "%.4f", t / hz}'
}

for tool in nginx varnishd wrk taskset; do
  command -v "$tool" >/dev/null || { echo "cdn_bench: $tool is missing (apt-get install nginx-light varnish wrk)" >&2; exit 2; }
done
[ -x "$cloudtwin" ] || { echo "cdn_bench: $cloudtwin is not executable" >&2; exit 2; }

# A free TCP port on 127.0.0.1.
tcp_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The proportional set size (KiB) of a process tree: shared pages counted once across it.
pss_kib() {
  local kib=0 k
  for p in $(tree_pids "$1"); do
    k=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    kib=$((kib + ${k:-0}))
  done
  echo "$kib"
}

# Waits until http://127.0.0.1:PORT/PATH answers 200; prints the response headers of a second GET.
wait_http() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import http.client, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
for _ in range(200):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", path); r = c.getresponse(); r.read()
        if r.status == 200:
            c.request("GET", path); r = c.getresponse(); r.read()
            print(" ".join(f"{k}: {v};" for k, v in r.getheaders()
                           if k.lower() in ("x-cache", "x-cache-status", "age", "x-varnish")))
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(f"nothing answers 200 on 127.0.0.1:{port}{path}")
PY
}

# ---- the origin: nginx serving files ---------------------------------------------------------------
mkdir -p "$tmp/www" "$tmp/origin" "$tmp/proxy/cache" "$tmp/varnish"
head -c 768 /dev/urandom | base64 -w 0 >"$tmp/www/1k.bin"       # 1,024 bytes
head -c 76800 /dev/urandom | base64 -w 0 >"$tmp/www/100k.bin"   # 102,400 bytes
# As root nginx's workers would drop to nobody; keep them as the caller, who owns the temp dir.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
temp_paths() {
  for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $1/${t}_temp;"; done
}
origin_port=$(tcp_port)
cat >"$tmp/origin/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $tmp/origin/nginx.pid;
error_log $tmp/origin/error.log warn;
events { worker_connections 4096; }
http {
$(temp_paths "$tmp/origin")
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=16;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$origin_port;
    root $tmp/www;
    add_header Cache-Control "max-age=3600";
    location ~ ^/(miss|fill)/ { try_files /1k.bin =404; }
  }
}
EOF
taskset -c "$client_cpu" nginx -e "$tmp/origin/error.log" -p "$tmp/origin" -c "$tmp/origin/nginx.conf" &
pid[origin]=$!
wait_http "$origin_port" /1k.bin >/dev/null

# ---- the three caches -------------------------------------------------------------------------------
declare -A port=()
port[cloudtwin]=$(tcp_port)
port[nginx]=$(tcp_port)
port[varnish]=$(tcp_port)
servers=(cloudtwin nginx varnish)

cat >"$tmp/network.yaml" <<'EOF'
# One distribution in front of one custom origin, AWS's CachingOptimized managed policy (the path
# is the cache key; query strings, headers and cookies are not).
cloudfront_distributions:
  - id: E1CDNBENCH0001
    name: bench
    config:
      Enabled: true
      Origins:
        - Id: origin
          DomainName: origin.bench.internal
          CustomOriginConfig: {OriginProtocolPolicy: http-only, HTTPPort: 80}
      DefaultCacheBehavior:
        TargetOriginId: origin
        ViewerProtocolPolicy: allow-all
        CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6  # CachingOptimized
EOF
taskset -c "$server_cpu" "$cloudtwin" serve cdn "$tmp/network.yaml" --listen "127.0.0.1:${port[cloudtwin]}" \
  --origin "origin=127.0.0.1:$origin_port" --threads 1 --quiet >/dev/null 2>"$tmp/cloudtwin.log" &
pid[cloudtwin]=$!

cat >"$tmp/proxy/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $tmp/proxy/nginx.pid;
error_log $tmp/proxy/error.log warn;
events { worker_connections 4096; }
http {
$(temp_paths "$tmp/proxy")
  access_log off;
  keepalive_requests 1000000;
  proxy_cache_path $tmp/proxy/cache levels=1:2 keys_zone=edge:64m max_size=4g inactive=1h use_temp_path=off;
  upstream origin {
    server 127.0.0.1:$origin_port;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port[nginx]};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      add_header X-Cache-Status \$upstream_cache_status;
    }
  }
}
EOF
taskset -c "$server_cpu" nginx -e "$tmp/proxy/error.log" -p "$tmp/proxy" -c "$tmp/proxy/nginx.conf" &
pid[nginx]=$!

# -j none: no privilege separation, so it runs as whoever starts it; one thread pool with enough
# threads for the connections (Varnish holds a thread per connection).
taskset -c "$server_cpu" varnishd -F -j none -n "$tmp/varnish" -a "127.0.0.1:${port[varnish]}" \
  -T 127.0.0.1:0 -b "127.0.0.1:$origin_port" -s malloc,1g \
  -p thread_pools=1 -p thread_pool_min=$((connections + 20)) -p thread_pool_max=$((connections * 4)) \
  >"$tmp/varnish.log" 2>&1 &
pid[varnish]=$!

for s in "${servers[@]}"; do
  for object in /1k.bin /100k.bin; do
    seen=$(wait_http "${port[$s]}" "$object") || { echo "cdn_bench: $s does not serve $object:" >&2; cat "$tmp"/*.log >&2; exit 1; }
    echo "[${SECONDS}s] warm $s $object: $seen" >&2
  done
done

# ---- wrk scripts -----------------------------------------------------------------------------------
cat >"$tmp/miss.lua" <<'EOF'
-- Nine requests in ten for a path never asked before, the tenth for the warmed 1 KB object.
local prefix, n = "x", 0
function init(args) prefix = args[1] or "x" end
function request()
  n = n + 1
  if n % 10 == 0 then return wrk.format("GET", "/1k.bin") end
  return wrk.format("GET", "/miss/" .. prefix .. "/" .. n)
end
EOF
# ---- memory per cached object ----------------------------------------------------------------------
: >"$tmp/memory.tsv"
for s in "${servers[@]}"; do
  sleep 0.5
  before=$(pss_kib "${pid[$s]}")
  taskset -c "$client_cpu" /usr/bin/python3 - "${port[$s]}" "$fill" >"$tmp/fill.out" <<'PY'
# GET /fill/1 … /fill/N once each: 4 connections, 64 requests pipelined at a time; counts the 200s.
import re, socket, sys, threading
port, n = int(sys.argv[1]), int(sys.argv[2])
ok = [0] * 4
def get(k):
    s = socket.create_connection(("127.0.0.1", port))
    buf = b""
    def need(size):
        nonlocal buf
        while len(buf) < size:
            chunk = s.recv(1 << 16)
            if not chunk: raise EOFError
            buf += chunk
    def line():
        nonlocal buf
        while b"\r\n" not in buf: need(len(buf) + 1)
        text, buf = buf.split(b"\r\n", 1)
        return text
    def response():
        nonlocal buf
        while b"\r\n\r\n" not in buf: need(len(buf) + 1)
        head, buf = buf.split(b"\r\n\r\n", 1)
        if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
            while (size := int(line().split(b";")[0], 16)) > 0:
                need(size + 2)
                buf = buf[size + 2:]
            while line(): pass
        else:
            m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            need(int(m.group(1)) if m else 0)
            buf = buf[int(m.group(1)) if m else 0:]
        return int(head.split(b" ", 2)[1])
    ids = list(range(k + 1, n + 1, 4))
    for at in range(0, len(ids), 64):
        batch = ids[at:at + 64]
        s.sendall(b"".join(b"GET /fill/%d HTTP/1.1\r\nHost: bench\r\n\r\n" % i for i in batch))
        ok[k] += sum(response() == 200 for _ in batch)
threads = [threading.Thread(target=get, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(ok))
PY
  sleep 0.5
  after=$(pss_kib "${pid[$s]}")
  files=0
  [ "$s" = nginx ] && files=$(du -sk "$tmp/proxy/cache" | awk '{print $1}')
  printf '%s\t%s\t%s\t%s\n' "$s" "$before" "$after" "$files" >>"$tmp/memory.tsv"
  echo "[${SECONDS}s] fill $s: $(cat "$tmp/fill.out") of $fill answered 200, Pss ${before} -> ${after} KiB" >&2
done

# ---- the rounds ------------------------------------------------------------------------------------
scenarios=(hit-1k hit-100k miss90)
: >"$tmp/runs.tsv"
for round in $(seq "$rounds"); do
  for scenario in "${scenarios[@]}"; do
    for s in "${servers[@]}"; do
      url="http://127.0.0.1:${port[$s]}"
      extra=()
      case "$scenario" in
        hit-1k) url+=/1k.bin ;;
        hit-100k) url+=/100k.bin ;;
        miss90) extra=(-s "$tmp/miss.lua") ;;
      esac
      before=$(tree_cpu "${pid[$s]}")
      taskset -c "$client_cpu" wrk -t1 "-c$connections" "-d${seconds}s" --latency "${extra[@]}" "$url" \
        -- "r$round$s" >"$tmp/wrk.out" 2>&1
      after=$(tree_cpu "${pid[$s]}")
      /usr/bin/python3 - "$tmp/wrk.out" "$round" "$scenario" "$s" "$before" "$after" >>"$tmp/runs.tsv" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
round_, scenario, server, before, after = sys.argv[2:7]
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
p99_ms = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors += int(m.group(1)) if m else 0
cpu_us = (float(after) - float(before)) * 1e6 / max(requests, 1)
print(f"{round_}\t{scenario}\t{server}\t{cpu_us:.3f}\t{requests}\t{rps:.0f}\t{p99_ms:.3f}\t{errors}")
PY
      tail -1 "$tmp/runs.tsv" | awk -F'\t' -v t="$SECONDS" '{printf "[%ss] round %s %-8s %-9s %7.2f us CPU/req %8d req %7.0f req/s p99 %7.2f ms errors %s\n", t, $1, $2, $3, $4, $5, $6, $7, $8}' >&2
    done
  done
done

# ---- summary ---------------------------------------------------------------------------------------
/usr/bin/python3 - "$tmp/runs.tsv" "$tmp/memory.tsv" "$fill" "$json" \
  "$rounds" "$seconds" "$connections" "$server_cpu" "$client_cpu" <<'PY'
import json, statistics, subprocess, sys
runs_path, memory_path, fill, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rounds, seconds, connections, server_cpu, client_cpu = sys.argv[5:10]
runs = []
for line in open(runs_path):
    r, sc, sv, cpu, req, rps, p99, err = line.rstrip("\n").split("\t")
    runs.append(dict(round=int(r), scenario=sc, server=sv, cpu_us_per_request=float(cpu),
                     requests=int(req), requests_per_second=float(rps), p99_ms=float(p99), errors=int(err)))
servers = ["cloudtwin", "nginx", "varnish"]
scenarios = ["hit-1k", "hit-100k", "miss90"]
def pick(sv, sc, key):
    return [x[key] for x in sorted(runs, key=lambda x: x["round"]) if x["server"] == sv and x["scenario"] == sc]
medians = {sv: {sc: {k: statistics.median(pick(sv, sc, k)) for k in
                     ("cpu_us_per_request", "requests_per_second", "p99_ms")}
                | {"errors": sum(pick(sv, sc, "errors"))} for sc in scenarios} for sv in servers}
memory = {}
for line in open(memory_path):
    sv, before, after, files = line.split()
    memory[sv] = {"bytes_per_object": (int(after) - int(before)) * 1024 / fill,
                  "file_bytes_per_object": int(files) * 1024 / fill}
ratios = {}
for anchor in ("nginx", "varnish"):
    ratios[f"cloudtwin/{anchor}"] = {
        sc: {k: {"median": statistics.median(per_round), "per_round": per_round}
             for k in ("cpu_us_per_request", "p99_ms")
             for per_round in [[round(a / b, 3) if b else None
                                for a, b in zip(pick("cloudtwin", sc, k), pick(anchor, sc, k))]]}
        for sc in scenarios}
    ratios[f"cloudtwin/{anchor}"]["memory_per_object"] = (
        memory["cloudtwin"]["bytes_per_object"] / memory[anchor]["bytes_per_object"]
        if memory[anchor]["bytes_per_object"] > 0 else None)

print(f"{'server':<10} {'scenario':<9} {'CPU us/req':>10} {'req/s':>8} {'p99 ms':>8} {'errors':>6}")
for sv in servers:
    for sc in scenarios:
        m = medians[sv][sc]
        print(f"{sv:<10} {sc:<9} {m['cpu_us_per_request']:>10.2f} {m['requests_per_second']:>8.0f} "
              f"{m['p99_ms']:>8.2f} {m['errors']:>6}")
print()
print(f"memory per cached 1 KB object ({fill} objects; Pss delta of the process tree):")
for sv in servers:
    extra = (f"  (+ {memory[sv]['file_bytes_per_object']:.0f} B of cache files per object)"
             if memory[sv]["file_bytes_per_object"] else "")
    print(f"  {sv:<10} {memory[sv]['bytes_per_object']:>8.0f} B{extra}")
print()
print("cloudtwin's ratios, median of per-round ratios (per round in brackets):")
for pair, by in ratios.items():
    for sc in scenarios:
        c, p = by[sc]["cpu_us_per_request"], by[sc]["p99_ms"]
        print(f"  {pair:<18} {sc:<9} CPU/req {c['median']:.2f} {c['per_round']}  p99 {p['median']:.2f} {p['per_round']}")
    mem = by["memory_per_object"]
    print(f"  {pair:<18} memory per object {mem:.2f}" if mem is not None else f"  {pair:<18} memory per object n/a")
if json_path:
    def version(cmd):
        out = subprocess.run(cmd, capture_output=True, text=True)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    doc = {"settings": {"rounds": int(rounds), "seconds_per_run": int(seconds), "connections": int(connections),
                        "server_cpu": server_cpu, "client_cpu": client_cpu, "fill_objects": fill,
                        "nginx": version(["nginx", "-v"]), "varnish": version(["varnishd", "-V"])},
           "medians": medians, "memory": memory, "ratios": ratios, "runs": runs}
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
PY
