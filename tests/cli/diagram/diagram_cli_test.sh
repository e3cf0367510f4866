#!/usr/bin/env bash
# End-to-end checks of `cloudtwin diagram`: exit codes (0 drawn, 1 highlighted trace
# unreachable, 2 bad input), the three formats, and the missing-Graphviz error.
set -u
bin="$1"
src="$2"
failures=0

expect() {  # NAME WANT_STATUS PATTERN(stdout+stderr, grep -E) -- COMMAND...
  local name="$1" want="$2" pattern="$3"
  shift 4
  local out status
  out="$("$@" 2>&1)"
  status=$?
  if [ "$status" -ne "$want" ]; then
    echo "FAIL $name: exit $status, want $want"; echo "$out" | head -20; failures=$((failures + 1))
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks /$pattern/"; echo "$out" | head -20; failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

hybrid="$src/examples/hybrid.yaml"
micro="$src/examples/microservices.yaml"

expect "mermaid is the default" 0 '^flowchart LR' -- "$bin" diagram "$hybrid"
expect "dot" 0 '^digraph cloudtwin' -- "$bin" diagram "$hybrid" --format dot
expect "reachable highlight exits 0" 0 'classDef path' -- \
  "$bin" diagram "$hybrid" --from dc --to app-a --port 8080
expect "unreachable highlight still draws, exits 1" 1 'ENI_SG_RULES_MISMATCH|SG' -- \
  "$bin" diagram "$micro" --from inventory --to payments --port 8443
expect "unknown format" 2 "bad --format .png." -- "$bin" diagram "$hybrid" --format png
expect "unknown source" 2 "error: --from" -- "$bin" diagram "$hybrid" --from nowhere --to app-a
expect "unknown destination" 2 "error: --to" -- "$bin" diagram "$hybrid" --from dc --to nowhere
expect "--from without --to" 2 "go together" -- "$bin" diagram "$hybrid" --from dc
expect "bad protocol" 2 "bad --protocol" -- \
  "$bin" diagram "$hybrid" --from dc --to app-a --protocol bogus
expect "missing network file" 2 "." -- "$bin" diagram "$src/examples/does-not-exist.yaml"
expect "svg without graphviz names the package" 2 "graphviz" -- \
  env PATH=/nonexistent "$bin" diagram "$hybrid" --format svg
if command -v dot >/dev/null; then
  expect "svg through graphviz" 0 '<svg' -- "$bin" diagram "$hybrid" --format svg
  expect "highlighted svg, unreachable" 1 '<svg' -- \
    "$bin" diagram "$micro" --format svg --from inventory --to payments --port 8443
else
  echo "skip svg through graphviz: dot not installed"
fi

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
