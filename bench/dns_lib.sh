# Shell helpers of the DNS benchmarks (sourced by bench/dns_compare.sh, bench/dns_policy_bench.sh).

# A free UDP port on 127.0.0.1.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A process and its descendants, by pid.
tree() {
  local p="$1"
  echo "$p"
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do tree "$c"; done
}

# CPU seconds (user + system) of the tree.
cpu_seconds() {
  local ticks=0 t
  for p in $(tree "$1"); do
    # utime and stime: fields 14 and 15, counted after the command name, which may hold spaces
    t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')
    t=${t:-0}
    ticks=$((ticks + t))
  done
  echo "$ticks $(getconf CLK_TCK)" | awk '{printf "%.4f", $1 / $2}'
}

# Resident memory (KiB) of the tree.
rss_kib() {
  local kib=0 r
  for p in $(tree "$1"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    kib=$((kib + ${r:-0}))
  done
  echo "$kib"
}

# Stops a process by its pid and reaps it.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# The median of the numbers on stdin, one per line.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
