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
