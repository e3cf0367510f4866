#!/usr/bin/env bash
# Runs the public HTTP caching conformance suite (npm http-cache-tests 0.4.5, cache-tests.fyi)
# against `cloudtwin serve cdn` with the conformance profile (fixtures/conformance.yaml), scores
# it as cache-tests.fyi does and fails below MIN required passes.
# Usage: tests/cdn/cache_tests.sh CLOUDTWIN [MIN_REQUIRED] [RESULTS_DIR]
# Everything listens on 127.0.0.1; both servers are stopped by pid.
set -euo pipefail
bin=$(realpath "$1")
min=${2:-132}
here=$(cd "$(dirname "$0")" && pwd)
npm_dir=${CLOUDTWIN_NPM_DIR:-$here/../../build/npm}
suite=$npm_dir/node_modules/http-cache-tests
if [ ! -f "$suite/cli.mjs" ]; then
  mkdir -p "$npm_dir"
  if ! npm i --omit=dev --no-audit --no-fund --prefix "$npm_dir" http-cache-tests@0.4.5 >/dev/null 2>&1; then
    echo "cache_tests: npm could not install http-cache-tests@0.4.5 (offline?): skipped" >&2
    exit 77
  fi
fi
work=${3:-$(mktemp -d)}
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 1 100); do
    if /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "cache_tests: nothing listens on 127.0.0.1:$1" >&2
  return 1
}

origin_port=$(free_port)
npm_config_protocol=http npm_config_port=$origin_port npm_config_pidfile="$work/origin.pid" \
  node "$suite/server/server.mjs" > "$work/origin.log" 2>&1 &
pids+=($!)
wait_port "$origin_port"

edge_port=$(free_port)
"$bin" serve cdn "$here/fixtures/conformance.yaml" --quiet --listen "127.0.0.1:$edge_port" \
  --origin "cache-tests=127.0.0.1:$origin_port" --threads 1 > "$work/edge.log" 2>&1 &
pids+=($!)
wait_port "$edge_port"

(cd "$suite" && npm_config_base="http://127.0.0.1:$edge_port" npm_package_config_id="" \
  node --no-warnings cli.mjs > "$work/results.json")
node "$here/score_cache_tests.mjs" "$suite" "$work/results.json" > "$work/score.json"
/usr/bin/python3 - "$work/score.json" "$min" <<'PY'
import json, sys
score = json.load(open(sys.argv[1]))
req = score["counts"].get("required", {})
passed = req.get("pass", 0)
print("cache-tests required: " + ", ".join(f"{k} {v}" for k, v in sorted(req.items())))
for kind in ("optimal", "check"):
    print(f"cache-tests {kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(score["counts"].get(kind, {}).items())))
for f in score["failedRequired"]:
    print("  failed: " + f)
if passed < int(sys.argv[2]):
    print(f"cache-tests: {passed} required tests pass, fewer than {sys.argv[2]}")
    sys.exit(1)
PY
