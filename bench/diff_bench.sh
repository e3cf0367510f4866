#!/usr/bin/env bash
# `cloudtwin diff` end to end (issue 15) on the 1,000-subnet generated network with one security
# group rule changed, side by side with the commands it is measured against, in one run, pinned
# to one core: CPU time (user+sys) per command, median of 5, and the ratios.
#   diff --from/--to (one question)   vs  reach --from/--to (the same question, one network)
#   diff (every question)             vs  reach --matrix (one matrix)
# Usage: bench/diff_bench.sh [build-dir] [subnets]
set -euo pipefail
build="${1:-build/release}"
subnets="${2:-1000}"
cpu="${BENCH_CPU:-1}"
bin="$build/src/cli/cloudtwin"
tmp=$(mktemp -d /tmp/cloudtwin-diff-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/generate_network" "$subnets" >"$tmp/before.yaml"
# One rule changed: the first `port: 443` ingress rule admits 444 instead.
awk '!done && /port: 443,/ { sub(/port: 443,/, "port: 444,"); done = 1 } { print }' \
  "$tmp/before.yaml" >"$tmp/after.yaml"
cmp -s "$tmp/before.yaml" "$tmp/after.yaml" && { echo "no rule changed" >&2; exit 1; }
from=subnet-3-5
to=subnet-6-7
cpu_of() {  # name, command...: prints the median CPU seconds of 5 runs
  local name="$1"
  shift
  : >"$tmp/$name"
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%U %S" -a -o "$tmp/$name" taskset -c "$cpu" "$@" >/dev/null 2>&1 || true
  done
  # GNU time writes "Command exited with non-zero status 1" before the times of a diff that
  # found a change (exit 1): only the lines of times count.
  awk '/^[0-9]/ {print $1 + $2}' "$tmp/$name" | sort -n | sed -n 3p
}
reach=$(cpu_of reach "$bin" reach "$tmp/before.yaml" --from "$from" --to "$to")
diff1=$(cpu_of diff1 "$bin" diff "$tmp/before.yaml" --after "$tmp/after.yaml" --from "$from" --to "$to")
validate=$(cpu_of validate "$bin" validate "$tmp/before.yaml")
printf "%d subnets, one security group rule changed (CPU s, median of 5, taskset -c %s)\n" "$subnets" "$cpu"
printf "  validate (load only)                %7.2f\n" "$validate"
printf "  reach --from %s --to %s  %7.2f\n" "$from" "$to" "$reach"
printf "  diff  --from %s --to %s  %7.2f   %.2fx reach\n" "$from" "$to" "$diff1" "$(echo "$diff1 / $reach" | bc -l)"
# DIFF_BENCH_ALL=0 leaves out the whole-network comparison (two matrices: minutes in all).
# The two run in turns (matrix, diff, matrix, diff...), so a neighbour's load on the shared
# machine weighs on both alike; the ratio is the median of the five rounds' ratios.
if [ "${DIFF_BENCH_ALL:-1}" != 0 ]; then
  : >"$tmp/matrix"
  : >"$tmp/diffall"
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%U %S" -a -o "$tmp/matrix" taskset -c "$cpu" \
      "$bin" reach "$tmp/before.yaml" --matrix >/dev/null 2>&1 || true
    /usr/bin/time -f "%U %S" -a -o "$tmp/diffall" taskset -c "$cpu" \
      "$bin" diff "$tmp/before.yaml" --after "$tmp/after.yaml" >/dev/null 2>&1 || true
  done
  awk '/^[0-9]/ {print $1 + $2}' "$tmp/matrix" >"$tmp/matrix.cpu"
  awk '/^[0-9]/ {print $1 + $2}' "$tmp/diffall" >"$tmp/diffall.cpu"
  matrix=$(sort -n "$tmp/matrix.cpu" | sed -n 3p)
  diffall=$(sort -n "$tmp/diffall.cpu" | sed -n 3p)
  ratio=$(paste "$tmp/diffall.cpu" "$tmp/matrix.cpu" | awk '{printf "%.3f\n", $1 / $2}' | sort -n | sed -n 3p)
  printf "  reach --matrix                      %7.2f   (runs: %s)\n" "$matrix" "$(tr '\n' ' ' <"$tmp/matrix.cpu")"
  printf "  diff (every question)               %7.2f   (runs: %s)\n" "$diffall" "$(tr '\n' ' ' <"$tmp/diffall.cpu")"
  printf "  diff / matrix, median of the rounds' ratios: %.2fx\n" "$ratio"
fi
