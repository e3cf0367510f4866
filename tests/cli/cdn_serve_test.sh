#!/usr/bin/env bash
# `serve cdn` end to end on tests/cdn/fixtures/site.yaml with a Python origin on loopback: the
# headers CloudFront sends (shared/reference/cloudfront.md §6), behaviours (§1), the default root
# object, CachingDisabled (§3), `cdn invalidate` and `cdn stats` through --admin (§10), metrics,
# the access log, reload on SIGHUP keeping the cache, SIGTERM, and bad command lines. Everything
# listens on free 127.0.0.1 ports; the servers are stopped by their pids.
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d /tmp/cloudtwin-cdnserve.XXXXXX)
origin=""
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; [ -n "$origin" ] && kill "$origin" 2>/dev/null; rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

site="$root/tests/cdn/fixtures/site.yaml"
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 100); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
check() {  # NAME WANT GOT
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL $1: want '$2', got '$3'"; fail=$((fail + 1)); fi
}

mkdir -p "$tmp/www/api" "$tmp/www/static"
echo "home page" > "$tmp/www/index.html"
echo "hello" > "$tmp/www/a.txt"
echo "dynamic" > "$tmp/www/api/now"
oport=$(free_port)
(cd "$tmp/www" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 "$oport" 2>"$tmp/origin.log" >/dev/null) &
origin=$!
wait_port "$oport" || { echo "FAIL origin did not start"; exit 1; }
origin_hits() { grep -c "\"GET $1 " "$tmp/origin.log"; }

port=$(free_port)
admin=$(free_port)
metrics=$(free_port)
"$bin" serve cdn "$site" --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" --metrics "127.0.0.1:$metrics" \
  --origin "web=127.0.0.1:$oport" --origin "assets=127.0.0.1:$oport" --threads 1 -q \
  --access-log "$tmp/access.log" 2>"$tmp/log" &
server=$!
wait_port "$port" || { echo "FAIL serve cdn did not start"; cat "$tmp/log"; exit 1; }

get() {  # PATH [curl options...]: the response headers and body
  local path="$1"
  shift
  curl -s -D - -H "Host: www.example.com" "$@" "http://127.0.0.1:$port$path"
}
xcache() { get "$@" | tr -d '\r' | sed -n 's/^X-Cache: //p'; }

check "one start line" 1 "$(grep -c "serving 1 distribution(s): E1SITEEXAMPLE1 (www.example.com)" "$tmp/log")"
# §3, §6: a miss, then a hit from the POP, with CloudFront's headers.
check "first is a miss" "Miss from cloudfront" "$(xcache /a.txt)"
check "second is a hit" "Hit from cloudfront" "$(xcache /a.txt)"
check "origin asked once" 1 "$(origin_hits /a.txt)"
headers=$(get /a.txt | tr -d '\r')
check "Via" 1 "$(echo "$headers" | grep -cE '^Via: 1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$')"
check "X-Amz-Cf-Pop" 1 "$(echo "$headers" | grep -c '^X-Amz-Cf-Pop: IAD89-C1$')"
check "Age on a hit" 1 "$(echo "$headers" | grep -cE '^Age: [0-9]+$')"
check "body" "hello" "$(get /a.txt | tail -1)"
# §5: the site's policy keys on the query string `v` only.
check "v in the key" "Miss from cloudfront" "$(xcache '/a.txt?v=2')"
check "other params not" "Hit from cloudfront" "$(xcache '/a.txt?v=2&utm=x')"
# DefaultRootObject: / is index.html.
check "default root object" "home page" "$(get / | tail -1)"
# §3: CachingDisabled on /api/*: every request goes to the origin.
xcache /api/now >/dev/null
check "CachingDisabled" "Miss from cloudfront" "$(xcache /api/now)"
check "CachingDisabled origin" 2 "$(origin_hits /api/now)"
# The explain header on request.
check "explain" 1 "$(get /a.txt -H 'X-Cloudtwin-Explain: 1' | grep -c 'X-Cloudtwin-Explain: behavior="default (\*)"; key=')"
# Unknown Host with one distribution: it answers; a method the behaviour forbids: 403.
check "POST on default" "403" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Host: www.example.com' "http://127.0.0.1:$port/a.txt")"

# §10: invalidation through the admin endpoint, in force when the command returns.
expect "invalidate" 0 "completed: [0-9]+ cached object" -- \
  "$bin" cdn invalidate --admin "127.0.0.1:$admin" --distribution www.example.com --paths /a.txt
check "miss after invalidation" "Miss from cloudfront" "$(xcache /a.txt)"
expect "invalidate wildcard json" 0 '"status":"Completed"' -- \
  "$bin" cdn invalidate --admin "127.0.0.1:$admin" --distribution E1SITEEXAMPLE1 --paths '/a*' --json
expect "invalidate bad path" 2 "may have \* only as its last character" -- \
  "$bin" cdn invalidate --admin "127.0.0.1:$admin" --distribution site --paths '/a*b'
expect "invalidate unknown distribution" 2 "no distribution \`nope\`" -- \
  "$bin" cdn invalidate --admin "127.0.0.1:$admin" --distribution nope --paths /a.txt
expect "stats" 0 '"tiers":\[\{"name":"IAD89-C1","layer":"EDGE","hits":[0-9]+' -- \
  "$bin" cdn stats --admin "127.0.0.1:$admin"
expect "stats, nothing listening" 2 "cannot connect" -- "$bin" cdn stats --admin "127.0.0.1:$(free_port)"
check "metrics" 1 "$(curl -s "http://127.0.0.1:$metrics/metrics" | grep -c '^cloudtwin_cdn_requests_total [0-9]')"
check "access log lines" 1 "$(grep -c "	GET	www.example.com	/	200	" "$tmp/access.log")"

# SIGHUP: reloaded, one log line, the cache kept (the key rules did not change).
xcache /a.txt >/dev/null
kill -HUP "$server"
for _ in $(seq 50); do grep -q "reloaded (SIGHUP)" "$tmp/log" && break; sleep 0.1; done
check "reload line" 1 "$(grep -c "reloaded (SIGHUP): serving 1 distribution" "$tmp/log")"
check "cache kept" "Hit from cloudfront" "$(xcache /a.txt)"

kill "$server"
wait "$server"
check "SIGTERM exit" 0 "$?"
check "stopped line" 1 "$(grep -c "cloudtwin serve cdn: stopped" "$tmp/log")"
server=""

# Bad command lines and inputs.
expect "no distribution" 2 "no CloudFront distribution to serve" -- \
  "$bin" serve cdn "$root/tests/cdn/fixtures/../../dns/zones/private.yaml" --listen "127.0.0.1:$(free_port)" -q
expect "bad --origin" 2 "expected ORIGIN=HOST:PORT" -- "$bin" serve cdn "$site" --origin web -q
expect "bad --pop" 2 "expected NAME=ADDR:PORT" -- "$bin" serve cdn "$site" --pop 127.0.0.1:1 -q
expect "port taken" 2 "cannot listen on 127.0.0.1:$oport" -- \
  "$bin" serve cdn "$site" --listen "127.0.0.1:$oport" -q
cat > "$tmp/bad.yaml" <<'YAML'
cloudfront_distributions:
  - id: EBAD
    config:
      Enabled: true
      Origins:
        - Id: web
          DomainName: web.example.internal
          CustomOriginConfig: {OriginProtocolPolicy: http-only}
      DefaultCacheBehavior:
        TargetOriginId: nowhere
        ViewerProtocolPolicy: allow-all
        CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
YAML
expect "bad distribution located" 2 "bad.yaml:[0-9]+:[0-9]+: error: \[EBAD\].*targets origin \`nowhere\`" -- \
  "$bin" serve cdn "$tmp/bad.yaml" -q

echo "cdn_serve_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
