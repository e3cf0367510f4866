#!/usr/bin/env bash
# Runs the benchmarks pinned to one core, three repetitions, medians only, and the end-to-end
# CLI timing on the largest generated network. Usage: bench/run.sh [build-dir]
set -euo pipefail
build="${1:-build/release}"
cpu="${BENCH_CPU:-1}"
bin="$build/src/cli/cloudtwin"
tmp=$(mktemp -d /tmp/cloudtwin-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "== Google Benchmark (taskset -c $cpu, medians of 3)"
taskset -c "$cpu" "$build/bench/bench_trace" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "median|^Benchmark|^-"

echo
echo "== cloudtwin validate on generated networks (wall, peak RSS; median of 3)"
for subnets in 100 1000 10000; do
  "$build/bench/generate_network" "$subnets" >"$tmp/net.yaml"
  size=$(du -m "$tmp/net.yaml" | cut -f1)
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -a -o "$tmp/times.$subnets" taskset -c "$cpu" "$bin" validate "$tmp/net.yaml" >/dev/null 2>&1
  done
  sort -n "$tmp/times.$subnets" | sed -n 2p | awk -v s="$subnets" -v m="$size" \
    '{printf "  %6d subnets (%3d MB input): %6.2f s, peak RSS %5.0f MB\n", s, m, $1, $2/1024}'
done

echo
echo "== Symbolic reachability (issue 4): bench_verify, taskset -c $cpu, medians of 3 (CPU time)"
taskset -c "$cpu" "$build/bench/bench_verify" --benchmark_filter='Reach|Incremental|Walk' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "median|^Benchmark|^-"
# The matrix runs once per process (one iteration), three processes per size; peak RSS from
# /usr/bin/time. VERIFY_MATRIX_SIZES overrides the sizes (10000 takes minutes per run; see
# docs/performance.md).
for subnets in ${VERIFY_MATRIX_SIZES:-100 1000}; do
  for packets in 1 0; do
    run="$subnets.$packets"
    for i in 1 2 3; do
      /usr/bin/time -f "%M" -o "$tmp/rss" taskset -c "$cpu" "$build/bench/bench_verify" \
        --benchmark_filter="BM_Matrix/$subnets/$packets/" --benchmark_format=csv 2>/dev/null |
        grep "^\"BM_Matrix" | cut -d, -f4 >>"$tmp/matrix.$run"
      cat "$tmp/rss" >>"$tmp/matrix-rss.$run"
    done
    cpu_ms=$(sort -n "$tmp/matrix.$run" | sed -n 2p)
    rss=$(sort -n "$tmp/matrix-rss.$run" | sed -n 2p)
    printf "  matrix %6d subnets, %-13s %10.0f ms CPU, peak RSS %5d MB\n" "$subnets" \
      "$([ "$packets" = 1 ] && echo "with packets:" || echo "cells only:")" "$cpu_ms" "$((rss / 1024))"
  done
done

echo
echo "== cloudtwin reach --matrix end to end, 1,000 subnets (CPU user+sys, peak RSS; median of 3)"
"$build/bench/generate_network" 1000 >"$tmp/net.yaml"
for i in 1 2 3; do
  /usr/bin/time -f "%U %S %M" -a -o "$tmp/matrix-cli" taskset -c "$cpu" "$bin" reach "$tmp/net.yaml" \
    --matrix >/dev/null
done
awk '{print $1 + $2, $3}' "$tmp/matrix-cli" | sort -n | sed -n 2p |
  awk '{printf "  load, matrix and 1,000,000 cells printed: %.2f s CPU, peak RSS %.0f MB\n", $1, $2/1024}'

echo
echo "== Varied networks (issue 9 §4): every subnet its own network ACL and security group"
echo "   (generate_network --varied; CPU user+sys of the whole process, taskset -c $cpu, median of 3)"
# One cell of the table: the median of three runs of a command, CPU seconds and peak RSS.
median_cpu() {
  local out="$tmp/median.$RANDOM"
  for i in 1 2 3; do
    /usr/bin/time -f "%U %S %M" -a -o "$out" taskset -c "$cpu" "$@" >/dev/null 2>&1 || true
  done
  grep -v '^Command' "$out" | awk '{print $1 + $2, $3}' | sort -n | sed -n 2p | awk '{printf "%.2f s CPU, peak RSS %.0f MB", $1, $2/1024}'
}
for subnets in ${VARIED_SIZES:-200 1000}; do
  "$build/bench/generate_network" --varied "$subnets" >"$tmp/varied.yaml"
  printf "  %5d subnets: validate %s\n" "$subnets" "$(median_cpu "$bin" validate "$tmp/varied.yaml")"
  printf "  %5d subnets: reach --matrix %s\n" "$subnets" "$(median_cpu "$bin" reach "$tmp/varied.yaml" --matrix)"
done
# A policy from every subnet of the 200-subnet network to every one: only tcp/443 may reach.
"$build/bench/generate_network" --varied 200 >"$tmp/varied.yaml"
python3 - "$tmp/policy.yaml" <<'PY'
import sys
subnets = ", ".join(f"subnet-{s // 100}-{s % 100}" for s in range(200))
with open(sys.argv[1], "w") as f:
    f.write(f"rules:\n  - name: only-https\n    from: [{subnets}]\n    to: [{subnets}]\n"
            "    expect: only\n    allow: [tcp/443]\n")
PY
printf "    200 subnets: check, 200 x 200 expect: only %s\n" \
  "$(median_cpu "$bin" check "$tmp/varied.yaml" --policy "$tmp/policy.yaml")"

echo
echo "== AWS's ip-ranges.json (issue 10), read once a gateway endpoint needs it: taskset -c $cpu, medians of 3"
taskset -c "$cpu" "$build/bench/bench_ip_ranges" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "median|^Benchmark|^-"

echo
echo "== Issue 10's services (generate_network --services): per VPC an ALB and an NLB, an interface"
echo "   endpoint, an Auto Scaling group and a Network Firewall on the internet path"
taskset -c "$cpu" "$build/bench/bench_trace" --benchmark_filter='BM_TraceThrough' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "median|^Benchmark|^-"
for subnets in 1000 10000; do
  "$build/bench/generate_network" --services "$subnets" >"$tmp/services.yaml"
  printf "  %5d subnets: validate %s\n" "$subnets" "$(median_cpu "$bin" validate "$tmp/services.yaml")"
done
"$build/bench/generate_network" --services 1000 >"$tmp/services.yaml"
printf "  %5d subnets: reach --matrix %s\n" 1000 "$(median_cpu "$bin" reach "$tmp/services.yaml" --matrix)"
printf "  %5d subnets: exposure %s\n" 1000 "$(median_cpu "$bin" exposure "$tmp/services.yaml")"
echo
echo "For the side-by-side comparison with an earlier build: bench/compare.sh BEFORE-BUILD AFTER-BUILD"
