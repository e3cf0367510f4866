#!/usr/bin/env bash
# Compares two release builds side by side on the same inputs, in one run: each measurement
# alternates between the builds (before, after, before, after, ...), pinned to one core, and
# reports the median of each and their ratio. Usage:
#
#   bench/compare.sh BEFORE-BUILD-DIR AFTER-BUILD-DIR
#
# Both directories are release trees configured with -DCLOUDTWIN_BENCH=ON (cloudtwin,
# bench_trace, bench_verify and generate_network built). The inputs come from AFTER's generator
# without --services, which writes the same networks as generators before it had that option.
# REPEAT (default 5) sets the runs per build and measurement.
set -euo pipefail
before="$1"
after="$2"
cpu="${BENCH_CPU:-1}"
repeat="${REPEAT:-5}"
tmp=$(mktemp -d /tmp/cloudtwin-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# One row: LABEL UNIT, then the command with @BIN@ standing for the build directory; the command
# prints one number (the measurement) on stdout.
row() {
  local label="$1" unit="$2"
  shift 2
  : >"$tmp/b"
  : >"$tmp/a"
  for _ in $(seq "$repeat"); do
    for side in b a; do
      local dir="$before"
      [ "$side" = a ] && dir="$after"
      "${@//@BIN@/$dir}" >>"$tmp/$side"
    done
  done
  local b a
  b=$(median <"$tmp/b")
  a=$(median <"$tmp/a")
  awk -v l="$label" -v u="$unit" -v b="$b" -v a="$a" \
    'BEGIN {printf "  %-46s %12.3f %12.3f %-3s  x%.3f\n", l, b, a, u, (b > 0 ? a / b : 0)}'
}

# CPU seconds (user + sys) of one pinned process.
cpu_of() {
  /usr/bin/time -f "%U %S" -o "$tmp/time" taskset -c "$cpu" "$@" >/dev/null 2>&1 || true
  awk '{print $1 + $2}' "$tmp/time"
}

# The CPU time per iteration of one Google Benchmark, in its own unit.
benchmark_of() {
  local binary="$1" filter="$2"
  taskset -c "$cpu" "$binary" --benchmark_filter="$filter" --benchmark_format=csv 2>/dev/null |
    grep '^"BM_' | head -1 | cut -d, -f4
}

"$after/bench/generate_network" 1000 >"$tmp/u1000.yaml"
"$after/bench/generate_network" 10000 >"$tmp/u10000.yaml"
"$after/bench/generate_network" --varied 200 >"$tmp/v200.yaml"

echo "== before: $before"
echo "== after:  $after"
echo "   taskset -c $cpu, median of $repeat runs per build, runs alternating"
printf "  %-46s %12s %12s %-3s  %s\n" "measurement" "before" "after" "" "after/before"
row "validate, 1,000 subnets (CPU)" s cpu_of @BIN@/src/cli/cloudtwin validate "$tmp/u1000.yaml"
row "validate, 10,000 subnets (CPU)" s cpu_of @BIN@/src/cli/cloudtwin validate "$tmp/u10000.yaml"
row "BM_Trace/1000 (CPU per trace)" us benchmark_of @BIN@/bench/bench_trace 'BM_Trace/1000$'
row "BM_Trace/10000 (CPU per trace)" us benchmark_of @BIN@/bench/bench_trace 'BM_Trace/10000$'
row "BM_TraceToInternet/10000 (CPU per trace)" us benchmark_of @BIN@/bench/bench_trace 'BM_TraceToInternet/10000$'
row "BM_Matrix/1000, cells only (CPU)" ms benchmark_of @BIN@/bench/bench_verify 'BM_Matrix/1000/0/'
row "BM_Matrix/1000, with packets (CPU)" ms benchmark_of @BIN@/bench/bench_verify 'BM_Matrix/1000/1/'
row "reach --matrix, 1,000 subnets (CPU, process)" s cpu_of @BIN@/src/cli/cloudtwin reach "$tmp/u1000.yaml" --matrix
row "reach --matrix, varied 200 subnets (CPU, process)" s cpu_of @BIN@/src/cli/cloudtwin reach "$tmp/v200.yaml" --matrix
row "exposure, 1,000 subnets (CPU, process)" s cpu_of @BIN@/src/cli/cloudtwin exposure "$tmp/u1000.yaml"
