#!/usr/bin/env bash
# The tools CI users expect (issue 15): bash, zsh and fish completion scripts and the man page,
# each written from the program's own option definitions (so every verb and option of `--help` is
# in them); `cmake --install` (what `make install` runs) and scripts/make-deb (what `make deb`
# runs) on this test's own build; `--color` and NO_COLOR (https://no-color.org); the progress line
# on a terminal. A shell that is not installed is skipped with a message.
set -u
bin="$1"
root="$2"
build=$(cd "$(dirname "$bin")/../.." && pwd)
tmp=$(mktemp -d /tmp/cloudtwin-tooling.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"  # expect NAME WANT_STATUS PATTERN -- command...

ex="$root/examples"
pol="$root/tests/policies"
check() {  # check NAME COMMAND... : passes when the command succeeds
  local name="$1"
  shift
  if "$@" >"$tmp/check.out" 2>&1; then
    pass=$((pass + 1))
  else
    echo "FAIL $name"; head -20 "$tmp/check.out"; fail=$((fail + 1))
  fi
}
skip() { echo "skip: $*"; }

# The verbs, and each verb's options, as `--help` lists them: what the scripts and the page must
# hold without anyone listing them twice.
verbs=$("$bin" --help | sed -n '/^Subcommands:/,$p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
declare -A help_options  # VERB -> the long options `cloudtwin VERB --help` lists
for v in $verbs; do
  help_options[$v]=$("$bin" "$v" --help | sed -n 's/^  \(-[a-zA-Z],\)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | sort -u)
done
check "help lists the verbs" test "$(echo "$verbs" | wc -w)" -ge 12
for v in reach check completion man; do
  check "help lists $v" grep -qx "$v" <<<"$verbs"
done

expect "version matches CMakeLists.txt" 0 \
  "^cloudtwin $(sed -n 's/^project(cloudtwin VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")\$" -- \
  "$bin" --version
expect "completion needs a shell" 2 "" -- "$bin" completion
expect "completion of an unknown shell" 2 "tcsh not in \{bash,zsh,fish\}" -- "$bin" completion tcsh

# --- bash ---------------------------------------------------------------------------------
"$bin" completion bash >"$tmp/cloudtwin.bash"
check "bash -n" bash -n "$tmp/cloudtwin.bash"
# complete_bash WORD... : what _cloudtwin offers for the last word, one a line.
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cloudtwin
           printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/cloudtwin.bash" "$@"
}
has() { grep -qx -- "$2" <<<"$1"; }  # has LINES LINE
check "bash: verbs" has "$(complete_bash cloudtwin re)" reach
check "bash: only matching verbs" test "$(complete_bash cloudtwin re)" = "reach"
check "bash: an option of reach" has "$(complete_bash cloudtwin reach --f)" --from
check "bash: --format values of check" \
  test "$(complete_bash cloudtwin check --format '' | sort | tr '\n' ' ')" = "json junit sarif text "
check "bash: --format=VALUE" has "$(complete_bash cloudtwin check --format = sa)" sarif
check "bash: nested verbs" test "$(complete_bash cloudtwin serve '' | tr '\n' ' ')" = "dns cdn bgp "
check "bash: the nested verb's options" has "$(complete_bash cloudtwin serve dns --)" --listen
check "bash: cdn's verbs" has "$(complete_bash cloudtwin cdn '')" invalidate
check "bash: the global --color after a verb" \
  test "$(complete_bash cloudtwin trace --color '' | tr '\n' ' ')" = "auto always never "
check "bash: completion's shells" has "$(complete_bash cloudtwin completion '')" fish
touch "$tmp/network.yaml" "$tmp/ranges.json"
check "bash: NETWORK is a file" has "$(complete_bash cloudtwin validate "$tmp/net")" "$tmp/network.yaml"
check "bash: after options and their values" \
  has "$(complete_bash cloudtwin trace --from web --port 443 "$tmp/net")" "$tmp/network.yaml"
check "bash: an option taking a file" \
  has "$(complete_bash cloudtwin trace --ip-ranges "$tmp/ran")" "$tmp/ranges.json"
check "bash: a free value completes nothing" test -z "$(complete_bash cloudtwin trace --from '')"
check "bash: a verb's value is not a verb" \
  has "$(complete_bash cloudtwin reach --from trace --)" --to
for v in $verbs; do
  missing=$(comm -13 <(complete_bash cloudtwin "$v" -- | sort -u) <(echo "${help_options[$v]}"))
  check "bash: every option of $v ($missing)" test -z "$missing"
done

# --- zsh ----------------------------------------------------------------------------------
"$bin" completion zsh >"$tmp/_cloudtwin"
if command -v zsh >/dev/null; then
  check "zsh -n" zsh -n "$tmp/_cloudtwin"
  check "zsh: loads after compinit and defines a function per verb" \
    env HOME="$tmp" zsh -f -c 'autoload -Uz compinit && compinit -u -D && source "$1" &&
      (( $+functions[_cloudtwin_serve_dns] && $+functions[_cloudtwin_reach] )) &&
      [[ $_comps[cloudtwin] == _cloudtwin ]]' _ "$tmp/_cloudtwin"
  check "zsh: check's --format values" grep -q "(json sarif junit text)\|(text json sarif junit)" "$tmp/_cloudtwin"
else
  skip "zsh is not installed (scripts/install-deps installs it)"
fi

# --- fish ---------------------------------------------------------------------------------
"$bin" completion fish >"$tmp/cloudtwin.fish"
if command -v fish >/dev/null; then
  check "fish -n" fish -n "$tmp/cloudtwin.fish"
  complete_fish() {  # complete_fish COMMANDLINE : fish's candidates, without descriptions
    env HOME="$tmp" XDG_CONFIG_HOME="$tmp/.config" XDG_DATA_HOME="$tmp/.data" \
      fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$tmp/cloudtwin.fish" "$1" | cut -f1
  }
  check "fish: verbs" has "$(complete_fish 'cloudtwin re')" reach
  check "fish: an option of reach" has "$(complete_fish 'cloudtwin reach --f')" --from
  check "fish: --format values of check" \
    test "$(complete_fish 'cloudtwin check --format ' | sort | tr '\n' ' ')" = "json junit sarif text "
  check "fish: nested verbs" test "$(complete_fish 'cloudtwin serve ' | sort | tr '\n' ' ')" = "bgp cdn dns "
  check "fish: the nested verb's options" has "$(complete_fish 'cloudtwin serve dns --')" --listen
  check "fish: NETWORK is a file" has "$(complete_fish "cloudtwin validate $tmp/net")" "$tmp/network.yaml"
  check "fish: no files where a verb goes" test -z "$(complete_fish "cloudtwin $tmp/net")"
  check "fish: --color anywhere" has "$(complete_fish 'cloudtwin trace --color ')" always
else
  skip "fish is not installed (scripts/install-deps installs it)"
fi

# --- the man page -------------------------------------------------------------------------
"$bin" man >"$tmp/cloudtwin.1"
check "groff -ww finds nothing to warn about" \
  sh -c "groff -ww -z -man '$tmp/cloudtwin.1' 2>&1 | tee /dev/stderr | wc -c | grep -qx 0"
if command -v mandoc >/dev/null; then
  check "mandoc -T lint" mandoc -T lint -W warning "$tmp/cloudtwin.1"
else
  skip "mandoc is not installed (scripts/install-deps installs it)"
fi
MANWIDTH=100 MANPAGER=cat PAGER=cat man -l "$tmp/cloudtwin.1" 2>"$tmp/man.err" | col -b >"$tmp/man.txt"
check "man -l renders it" grep -q "^EXIT STATUS" "$tmp/man.txt"
check "man -l says nothing on stderr" test ! -s "$tmp/man.err"
for word in "NO_COLOR" "cloudtwin(1)\|CLOUDTWIN(1)" "Inconclusive" "--color"; do
  check "the page has $word" grep -q -- "$word" "$tmp/man.txt"
done
for v in $verbs; do
  check "the page has a section for $v" grep -q "^   $v\$" "$tmp/man.txt"
  for o in ${help_options[$v]}; do
    [ "$o" = --help ] && continue
    check "the page has $v $o" grep -q -- "${o//-/\\\\-}" "$tmp/cloudtwin.1"
  done
done
check "the page has serve dns" grep -q "^   serve dns\$" "$tmp/man.txt"

# --- cmake --install (make install) and scripts/make-deb (make deb) -----------------------
if [ -f "$build/cmake_install.cmake" ]; then
  DESTDIR="$tmp/stage" cmake --install "$build" --prefix /usr >"$tmp/install.log" 2>&1
  check "cmake --install succeeds" test $? -eq 0
  for f in bin/cloudtwin share/man/man1/cloudtwin.1 share/bash-completion/completions/cloudtwin \
    share/zsh/vendor-completions/_cloudtwin share/fish/vendor_completions.d/cloudtwin.fish; do
    check "installs /usr/$f" test -s "$tmp/stage/usr/$f"
  done
  check "the installed program runs" "$tmp/stage/usr/bin/cloudtwin" --version
  check "the installed man page is the program's" cmp -s <("$bin" man | grep -v '^\.TH') \
    <(grep -v '^\.TH' "$tmp/stage/usr/share/man/man1/cloudtwin.1")
  check "the installed bash completion is the program's" \
    cmp -s "$tmp/cloudtwin.bash" "$tmp/stage/usr/share/bash-completion/completions/cloudtwin"
  rm -rf "$tmp/stage"

  if command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
    # Uncompressed: xz takes minutes over a debug build's program.
    deb=$(DPKG_DEB_COMPRESSOR_TYPE=none "$root/scripts/make-deb" "$build" "$tmp/deb" 2>"$tmp/deb.err")
    check "make-deb succeeds" test -f "$deb"
    version=$("$bin" --version | cut -d' ' -f2)
    arch=$(dpkg --print-architecture)
    check "the package's name" test "$(basename "$deb")" = "cloudtwin_${version}_${arch}.deb"
    dpkg-deb --info "$deb" >"$tmp/info"
    for field in "Package: cloudtwin" "Version: $version" "Architecture: $arch" \
      "Depends: .*libc6" "Maintainer: " "Description: "; do
      check "dpkg-deb --info: $field" grep -q "^ $field" "$tmp/info"
    done
    dpkg-deb --contents "$deb" >"$tmp/contents"
    for f in bin/cloudtwin share/man/man1/cloudtwin.1.gz share/bash-completion/completions/cloudtwin \
      share/zsh/vendor-completions/_cloudtwin share/fish/vendor_completions.d/cloudtwin.fish \
      share/doc/cloudtwin/copyright; do
      check "dpkg-deb --contents: /usr/$f" grep -q "root/root .* \./usr/$f\$" "$tmp/contents"
    done
  else
    skip "dpkg-deb or dpkg-shlibdeps is missing (apt-get install dpkg-dev)"
  fi
else
  skip "no cmake_install.cmake in $build: install and package not tested"
fi

# --- color --------------------------------------------------------------------------------
esc=$'\033'
trace=("$bin" trace "$ex/hybrid.yaml" --from app-a --to db --port 5432)
"${trace[@]}" >"$tmp/plain" 2>&1
check "no color off a terminal" test -z "$(grep -c "$esc" "$tmp/plain" | grep -vx 0)"
check "--color never is the same bytes" cmp -s "$tmp/plain" <("${trace[@]}" --color never 2>&1)
check "--color before the verb" cmp -s "$tmp/plain" <("$bin" --color never "${trace[@]:1}" 2>&1)
"${trace[@]}" --color always >"$tmp/colored" 2>&1
check "--color always colors the verdict" grep -q "${esc}\[1;32mREACHABLE${esc}\[0m" "$tmp/colored"
check "and nothing else changes" cmp -s "$tmp/plain" <(sed "s/${esc}\[[0-9;]*m//g" "$tmp/colored")
check "--color always wins over NO_COLOR" grep -q "$esc" <(NO_COLOR=1 "${trace[@]}" --color always)
expect "--color takes auto, always or never" 2 "rainbow not in" -- "${trace[@]}" --color rainbow
check "blocked in red" grep -q "${esc}\[1;31mNOT REACHABLE" \
  <("$bin" trace "$ex/hybrid.yaml" --from 192.168.1.10 --to db --port 5432 --color always)
check "reach colors its verdict" grep -q "${esc}\[1;32mREACHABLE${esc}\[0m for" \
  <("$bin" reach "$ex/hybrid.yaml" --from app-a --to db --color always)
"$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --traces --color always \
  -o "$tmp/report.txt" 2>/dev/null
check "-o FILE is never colored" test -z "$(grep "$esc" "$tmp/report.txt")"
check "-o FILE has the traces" grep -q "NOT REACHABLE" "$tmp/report.txt"
check "check colors FAIL" grep -q "^${esc}\[1;31mFAIL${esc}\[0m " \
  <("$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid-violations.yaml" --color always 2>/dev/null)
check "check colors PASS" grep -q "^${esc}\[1;32mPASS${esc}\[0m " \
  <("$bin" check "$ex/hybrid.yaml" --policy "$pol/hybrid.yaml" --color always 2>/dev/null)
"$bin" exposure "$ex/global-service.yaml" >"$tmp/exposure.plain" 2>/dev/null
"$bin" exposure "$ex/global-service.yaml" --color always >"$tmp/exposure.colored" 2>/dev/null
check "exposure colors its risk levels" grep -qE "^${esc}\[[0-9;]+m(CRITICAL|HIGH|MEDIUM|LOW)${esc}\[0m " "$tmp/exposure.colored"
check "exposure: nothing else changes" cmp -s "$tmp/exposure.plain" <(sed "s/${esc}\[[0-9;]*m//g" "$tmp/exposure.colored")
check "JSON is never colored" test -z "$(grep "$esc" <("${trace[@]}" --json --color always))"

# On a terminal: script(1) gives the program a pseudo-terminal (its output has CR LF).
if command -v script >/dev/null; then
  on_tty() { script -q -e -c "$1" /dev/null </dev/null | tr -d '\r'; }
  unset NO_COLOR CLOUDTWIN_PROGRESS_AFTER
  export TERM=xterm
  quoted="'${trace[0]}' ${trace[*]:1}"
  check "auto: colored on a terminal" grep -q "$esc\[1;32mREACHABLE" <(on_tty "$quoted")
  check "NO_COLOR=1: not colored" test -z "$(NO_COLOR=1 on_tty "$quoted" | grep "$esc")"
  check "NO_COLOR empty: colored" grep -q "$esc" <(NO_COLOR= on_tty "$quoted")
  check "--color never on a terminal" test -z "$(on_tty "$quoted --color never" | grep "$esc")"
  check "TERM=dumb: not colored" test -z "$(TERM=dumb on_tty "$quoted" | grep "$esc")"
  check "no progress line for quick work" test -z "$(on_tty "$quoted --color never" | grep working)"
  # Progress: at once with CLOUDTWIN_PROGRESS_AFTER=0, and cleared (ESC [K) before the answer.
  CLOUDTWIN_PROGRESS_AFTER=0 on_tty "$quoted --color never" >"$tmp/progress"
  check "progress on a terminal" grep -q "cloudtwin trace: working\.\.\. [0-9]* s" "$tmp/progress"
  after=$(tr -d '\n' <"$tmp/progress" | awk -v RS='working[.][.][.] [0-9]+ s' 'END { print substr($0, 1, 9) }')
  check "the progress line is cleared before the answer" test "$after" = "${esc}[KTrace "
  check "no progress off a terminal" test -z "$(CLOUDTWIN_PROGRESS_AFTER=0 "${trace[@]}" 2>&1 >/dev/null)"
else
  skip "script (util-linux) is missing: nothing tested on a terminal"
fi

echo "tooling: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
