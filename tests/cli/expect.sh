# Shared by the tests/cli/*_test.sh scripts: `expect NAME WANT_STATUS PATTERN -- command...`
# runs the command, checks its exit status and that its output (stdout or stderr) matches the
# extended regular expression PATTERN (empty: anything), and counts passes and failures.
# The sourcing script sets $tmp (a scratch folder) first.
pass=0
fail=0

expect() {
  local name="$1" want="$2" pattern="$3"
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, want $want"; cat "$tmp/out" "$tmp/err" | head -20; fail=$((fail + 1)); return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$tmp/out" "$tmp/err"; then
    echo "FAIL $name: output lacks /$pattern/"; cat "$tmp/out" "$tmp/err" | head -20; fail=$((fail + 1)); return
  fi
  pass=$((pass + 1))
}
