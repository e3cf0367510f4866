#!/usr/bin/env bash
# Issue 14: receiving a full IPv4 table over one BGP session, cloudtwin against BIRD 2.
#
#   bench/bgp_bench.sh RELEASE-BUILD-DIR [--prefixes N] [--rounds R] [--poll-ms MS] [--json FILE]
#
# One sender, a BIRD 2 with N static /24s (16.0.0.0/24, 16.0.1.0/24, ...; one attribute set)
# pinned to CPU 0, exports over TCP MD5 on loopback to two receivers pinned to CPU 1, one at a
# time, alternating the order each round:
#   cloudtwin  bench/bgp_receive (one hybrid::Speaker, one passive peer) on 127.0.0.2
#   BIRD 2     a second bird (import all, no kernel protocol) on 127.0.0.3
# Each round starts a fresh receiver, enables the sender's session to it, measures Established
# to the whole table in, memory, then disables the session at the sender (`birdc disable`:
# Cease 6/2, no hold timer) and measures the time until the receiver's table is empty.
# Times for the BIRD receiver come from its own log (microsecond timestamps, "State changed to
# up" .. "Got END-OF-RIB"; BIRD imports synchronously while decoding, so End-of-RIB means every
# route is in the table), cross-checked by polling `show protocols all` every --poll-ms.
# Every process is ours and stopped by its pid; the temp dir is removed.
set -euo pipefail

usage() { echo "usage: $0 RELEASE-BUILD-DIR [--prefixes N] [--rounds R] [--poll-ms MS] [--json FILE]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
BUILD=$(cd "$1" && pwd); shift
N=1000000 ROUNDS=3 POLL_MS=20 JSON=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefixes) N=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --poll-ms) POLL_MS=$2; shift 2 ;;
    --json) JSON=$2; shift 2 ;;
    *) usage ;;
  esac
done
RECEIVE=$BUILD/bench/bgp_receive
BIRD=${BIRD:-/usr/sbin/bird}
BIRDC=${BIRDC:-/usr/sbin/birdc}
for x in "$RECEIVE" "$BIRD" "$BIRDC"; do [[ -x $x ]] || { echo "missing $x" >&2; exit 2; }; done
SENDER_CPU=0 RECEIVER_CPU=1
[[ $(nproc) -ge 2 ]] || RECEIVER_CPU=0

TMP=$(mktemp -d /tmp/bgp_bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n ${KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap cleanup EXIT
forget() { local p=$1 i; for i in "${!PIDS[@]}"; do [[ ${PIDS[$i]} == "$p" ]] && unset 'PIDS[i]'; done; }
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; forget "$1"; }

free_port() {  # a port nothing listens on at address $1
  python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
now() { date +%s.%N; }
sleep_poll() { sleep "$(awk -v m="$POLL_MS" 'BEGIN{printf "%.3f", m/1000}')"; }
# BIRD log timestamp "2026-12-05 10:11:12.123456" -> epoch seconds.
log_epoch() { local t=$1; echo "$(date -d "${t%.*}" +%s).${t##*.}"; }
# The timestamp of the first line matching $2 in log $1, as epoch seconds (empty if none).
log_time() { local line; line=$(grep -m1 -- "$2" "$1" || true); [[ -n $line ]] && log_epoch "$(cut -d' ' -f1-2 <<<"$line")" || true; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b == "") print "nan"; else printf "%.4f", a - b }'; }
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, a, " "); printf "%.2f", (a[12] + a[13]) / hz }' "/proc/$1/stat"; }

SENDER_ADDR=127.0.0.1 CT_ADDR=127.0.0.2 BIRD_ADDR=127.0.0.3
SENDER_PORT=$(free_port $SENDER_ADDR) CT_PORT=$(free_port $CT_ADDR) BIRD_PORT=$(free_port $BIRD_ADDR)
KEY=s3cret

# The feed, as reference/direct-connect.md §4.1 builds it (include only at top level in 2.0.12).
python3 - "$N" "$TMP/feed.conf" <<'EOF'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("protocol static feed {\n  ipv4;\n")
    base = 16 << 24
    for i in range(n):
        a = base + (i << 8)
        f.write(f"  route {a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.0/24 blackhole;\n")
    f.write("}\n")
EOF

cat >"$TMP/sender.conf" <<EOF
log "$TMP/sender.log" all;
timeformat log "%F %T.%6f";
router id 192.0.2.1;
protocol device { }
include "$TMP/feed.conf";
template bgp sendertpl {
  local $SENDER_ADDR port $SENDER_PORT as 65000;
  multihop; strict bind on; password "$KEY";
  hold time 90; keepalive time 30; connect delay time 1; connect retry time 1; error wait time 1, 2;
  disabled;
  debug { states, events, packets };
  ipv4 { import none; export filter { bgp_next_hop = 169.254.255.1; accept; }; };
}
protocol bgp to_ct from sendertpl { neighbor $CT_ADDR port $CT_PORT as 64512; }
protocol bgp to_bird from sendertpl { neighbor $BIRD_ADDR port $BIRD_PORT as 64513; }
EOF

cat >"$TMP/recv.conf" <<EOF
log "$TMP/recv.log" all;
timeformat log "%F %T.%6f";
router id 192.0.2.3;
protocol device { }
protocol bgp from_sender {
  local $BIRD_ADDR port $BIRD_PORT as 64513;
  neighbor $SENDER_ADDR port $SENDER_PORT as 65000;
  multihop; strict bind on; passive on; password "$KEY";
  hold time 90; keepalive time 30;
  debug { states, events, packets };
  ipv4 { import all; export none; };
}
EOF

SC="$BIRDC -s $TMP/sender.ctl"
t_sender_start=$(now)
taskset -c $SENDER_CPU "$BIRD" -f -c "$TMP/sender.conf" -s "$TMP/sender.ctl" -P "$TMP/sender.pid" \
  >"$TMP/sender.out" 2>&1 &
SENDER=$!
PIDS+=("$SENDER")
until $SC show status 2>/dev/null | grep -q "Daemon is up"; do
  kill -0 "$SENDER" 2>/dev/null || { cat "$TMP/sender.out" >&2; exit 1; }
  sleep 0.1
done
t_sender_up=$(now)
until $SC show route count 2>/dev/null | grep -q "^$N of $N routes"; do sleep 0.1; done
echo "sender: bird $("$BIRD" --version 2>&1 | awk '{print $3}'), $N routes loaded in $(sub "$(now)" "$t_sender_start") s" \
  "(daemon up after $(sub "$t_sender_up" "$t_sender_start") s), RSS $(( $(status_kb "$SENDER" VmRSS) / 1024 )) MB; CPU $SENDER_CPU; receivers on CPU $RECEIVER_CPU"

# Sender-side times of session $1 from the last time it went up: up -> End-of-RIB sent.
sender_send_s() {
  local proto=$1 up eor
  up=$(grep -- "$proto: State changed to up" "$TMP/sender.log" | tail -1 | cut -d' ' -f1-2)
  eor=$(grep -- "$proto: Sending END-OF-RIB" "$TMP/sender.log" | tail -1 | cut -d' ' -f1-2)
  [[ -n $up && -n $eor ]] && sub "$(log_epoch "$eor")" "$(log_epoch "$up")" || echo nan
}

RESULTS="$TMP/results.tsv"
printf "round\treceiver\testab_to_table_s\tpoll_seen_s\tsender_send_s\twithdraw_s\thwm_mb\trss_mb\tbird_mem_mb\tcpu_s\n" >"$RESULTS"

run_cloudtwin() {
  local round=$1 out="$TMP/ct.$1.out"
  taskset -c $RECEIVER_CPU "$RECEIVE" --listen $CT_ADDR --port "$CT_PORT" --peer $SENDER_ADDR \
    --local-as 64512 --peer-as 65000 --md5 $KEY --wait-down 60 --timeout 600 >"$out" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  until grep -q '^listening' "$out"; do sleep 0.01; done
  $SC enable to_ct >/dev/null
  until grep -q '^table_in' "$out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep_poll
  done
  local line; line=$(grep '^table_in' "$out")
  val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  local t=$(val established_to_table_s) hwm=$(val vmhwm_kb) rss=$(val vmrss_kb) n=$(val prefixes) cpu=$(val cpu_s)
  local send; send=$(sender_send_s to_ct)
  local t_w; t_w=$(now)
  $SC disable to_ct >/dev/null
  until grep -q '^down' "$out"; do sleep 0.01; done
  local empty; empty=$(sed -n 's/.* empty_epoch=\([^ ]*\).*/\1/p' "$out")
  local w; w=$(sub "$empty" "$t_w")
  wait "$pid" || { cat "$out" >&2; exit 1; }
  forget "$pid"
  [[ $n == "$N" ]] || { echo "cloudtwin received $n of $N" >&2; exit 1; }
  echo "round $round cloudtwin: Established -> End-of-RIB $t s (sender sent in $send s), CPU $cpu s," \
    "VmHWM $((hwm / 1024)) MB, RSS $((rss / 1024)) MB; disable -> empty $w s"
  printf "%s\tcloudtwin\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t\t%s\n" "$round" "$t" nan "$send" "$w" \
    "$(awk -v k="$hwm" 'BEGIN{print k/1024}')" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$cpu" >>"$RESULTS"
}

run_bird() {
  local round=$1 RC="$BIRDC -s $TMP/recv.ctl"
  rm -f "$TMP/recv.log"
  taskset -c $RECEIVER_CPU "$BIRD" -f -c "$TMP/recv.conf" -s "$TMP/recv.ctl" -P "$TMP/recv.pid" \
    >"$TMP/recv.out" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  until $RC show status 2>/dev/null | grep -q "Daemon is up"; do
    kill -0 "$pid" 2>/dev/null || { cat "$TMP/recv.out" >&2; exit 1; }
    sleep 0.01
  done
  local cpu0; cpu0=$(cpu_s "$pid")
  $SC enable to_bird >/dev/null
  local t_up="" seen
  until $RC show protocols all from_sender | grep -Eq "Routes: +$N imported"; do
    kill -0 "$pid" 2>/dev/null || { cat "$TMP/recv.out" >&2; exit 1; }
    sleep_poll
  done
  seen=$(now)
  until grep -q "from_sender: Got END-OF-RIB" "$TMP/recv.log"; do sleep 0.01; done
  t_up=$(log_time "$TMP/recv.log" "from_sender: State changed to up")
  local t_eor; t_eor=$(log_time "$TMP/recv.log" "from_sender: Got END-OF-RIB")
  local t; t=$(sub "$t_eor" "$t_up")
  local poll; poll=$(sub "$seen" "$t_up")
  local hwm rss cpu mem
  hwm=$(status_kb "$pid" VmHWM); rss=$(status_kb "$pid" VmRSS)
  cpu=$(awk -v a="$(cpu_s "$pid")" -v b="$cpu0" 'BEGIN{printf "%.2f", a - b}')
  mem=$($RC show memory | awk '$1 == "Total:" {print $2, $3}')
  local count; count=$($RC show route count | grep -m1 -o "^[0-9]* of [0-9]* routes")
  local send; send=$(sender_send_s to_bird)
  local t_w; t_w=$(now)
  $SC disable to_bird >/dev/null
  # The protocol goes down only when its routes are flushed from the table.
  until grep -q "from_sender: State changed to down" "$TMP/recv.log"; do sleep_poll; done
  local t_down; t_down=$(log_time "$TMP/recv.log" "from_sender: State changed to down")
  local w; w=$(sub "$t_down" "$t_w")
  local left; left=$($RC show route count | grep -m1 -o "^[0-9]* of")
  stop_pid "$pid"
  echo "round $round BIRD: Established -> End-of-RIB $t s (poll saw $N at $poll s; sender sent in $send s), CPU $cpu s," \
    "VmHWM $((hwm / 1024)) MB, RSS $((rss / 1024)) MB, show memory $mem ($count); disable -> flushed $w s (left: ${left% of})"
  local mem_mb; mem_mb=$(awk -v v="${mem% *}" -v u="${mem#* }" 'BEGIN{ f = (u == "GB") ? 1024 : (u == "kB") ? 1/1024 : 1; printf "%.1f", v * f }')
  printf "%s\tbird\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t%s\n" "$round" "$t" "$poll" "$send" "$w" \
    "$(awk -v k="$hwm" 'BEGIN{print k/1024}')" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$mem_mb" "$cpu" >>"$RESULTS"
}

for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then run_cloudtwin "$round"; run_bird "$round"
  else run_bird "$round"; run_cloudtwin "$round"; fi
done
sender_hwm=$(status_kb "$SENDER" VmHWM)
stop_pid "$SENDER"

python3 - "$RESULTS" "$N" "$ROUNDS" "$POLL_MS" "$((sender_hwm / 1024))" "$JSON" <<'EOF'
import csv, json, statistics, sys
path, n, rounds, poll_ms, sender_mb, out = sys.argv[1:7]
rows = list(csv.DictReader(open(path), delimiter="\t"))
def med(who, key):
    v = [float(r[key]) for r in rows if r["receiver"] == who and r[key] not in ("", "nan")]
    return statistics.median(v) if v else float("nan")
keys = ["estab_to_table_s", "sender_send_s", "withdraw_s", "hwm_mb", "rss_mb", "cpu_s"]
m = {w: {k: med(w, k) for k in keys + ["poll_seen_s", "bird_mem_mb"]} for w in ("cloudtwin", "bird")}
print(f"\nmedians over {rounds} rounds, {n} prefixes (poll every {poll_ms} ms):")
print(f"{'':10} {'estab->table s':>14} {'sender sent s':>13} {'withdraw s':>10} {'VmHWM MB':>9} {'RSS MB':>7} {'CPU s':>6}")
for w in ("cloudtwin", "bird"):
    print(f"{w:10} " + " ".join(f"{m[w][k]:>{width}.3f}" for k, width in zip(keys, (14, 13, 10, 9, 7, 6))))
ratio = {k: m["cloudtwin"][k] / m["bird"][k] if m["bird"][k] else float("nan") for k in keys}
print("ratio cloudtwin/BIRD: time %.2f, VmHWM %.2f, RSS %.2f, withdraw %.2f, CPU %.2f" % (
    ratio["estab_to_table_s"], ratio["hwm_mb"], ratio["rss_mb"], ratio["withdraw_s"], ratio["cpu_s"]))
print(f"BIRD receiver: poll saw all routes at {m['bird']['poll_seen_s']:.3f} s (median); show memory {m['bird']['bird_mem_mb']:.1f} MB; sender VmHWM {sender_mb} MB")
if out:
    json.dump({"prefixes": int(n), "rounds": int(rounds), "poll_ms": int(poll_ms),
               "sender_vmhwm_mb": int(sender_mb), "rows": rows, "medians": m, "ratios": ratio},
              open(out, "w"), indent=2)
EOF
