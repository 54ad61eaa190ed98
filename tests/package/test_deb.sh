#!/usr/bin/env bash
# Proves the Debian package installs and works on this Debian 12 machine, then removes it:
#   1. scripts/package builds build-package/fleetcheck_<version>_<arch>.deb
#   2. its control fields and contents are what an SRE expects (Depends computed by dpkg-shlibdeps)
#   3. apt-get install ./that.deb (dependencies resolve through apt)
#   4. the installed programs run: --version, man pages, completions, docs, and a real check of an
#      installed fleetcheck-mock fleet on loopback (exit 0), a failing one (exit 1), a bad flag (2)
#   5. apt-get remove fleetcheck, and any package the install pulled in: the machine is left as
#      it was (also when a check fails half-way).
# Needs root (or sudo). Non-interactive. About a minute with a warm ccache, plus the build when
# cold. Prints "package: N passed, M failed" last; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export DEBIAN_FRONTEND=noninteractive

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if ! sudo -n true 2>/dev/null; then
    echo "test_deb: needs root (or password-less sudo) to install the package" >&2
    exit 2
  fi
  sudo="sudo -n"
fi

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
check() {  # check DESCRIPTION COMMAND...: passes when the command succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
  echo "package: $passed passed, $failed failed"
  [[ $failed -eq 0 ]] && exit 0
  exit 1
}

work=$(mktemp -d)
mock_pid=""
installed_by_us=no
before_packages="$work/packages.before"

installed_packages() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 ~ /^.i/ { print $2 }' | sort; }

remove_package() {
  $sudo apt-get remove -y -qq fleetcheck >"$work/remove.log" 2>&1 || return 1
  installed_by_us=no
  # Whatever the install pulled in as a dependency goes too (nothing, on a machine that built it).
  local -a pulled
  mapfile -t pulled < <(comm -13 "$before_packages" <(installed_packages))
  if [[ ${#pulled[@]} -gt 0 ]]; then
    echo "  (removing what the install pulled in: ${pulled[*]})"
    $sudo apt-get remove -y -qq "${pulled[@]}" >>"$work/remove.log" 2>&1 || return 1
  fi
}

cleanup() {
  if [[ -n $mock_pid ]]; then
    kill "$mock_pid" 2>/dev/null
    wait "$mock_pid" 2>/dev/null
  fi
  if [[ $installed_by_us == yes ]]; then
    echo "test_deb: stopped early; removing the package it installed" >&2
    remove_package || cat "$work/remove.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if dpkg-query -W -f='${Status}' fleetcheck 2>/dev/null | grep -q "install ok installed"; then
  echo "test_deb: the fleetcheck package is already installed here; remove it first" \
    "(this test installs and removes it)" >&2
  exit 2
fi

# --- 1. build ------------------------------------------------------------------------------------
echo "== scripts/package"
start=$SECONDS
if ! timeout 1800 ./scripts/package >"$work/package.out" 2>"$work/package.err"; then
  tail -n 40 "$work/package.err"
  fail "scripts/package"
  finish
fi
deb=$(tail -n 1 "$work/package.out")
if [[ $deb == build-package/fleetcheck_*.deb && -f $deb ]]; then
  pass "scripts/package built $deb in $((SECONDS - start)) s"
else
  fail "scripts/package: the last line of its output is not a .deb: '$deb'"
  finish
fi

# --- 2. the package itself -------------------------------------------------------------------------
echo "== $deb"
version=$(sed -n 's/^project(fleetcheck VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
field() { dpkg-deb --field "$deb" "$1"; }
check "file name is fleetcheck_${version}_${arch}.deb" test "$(basename "$deb")" = "fleetcheck_${version}_${arch}.deb"
check "Package: fleetcheck, Version: $version, Section: net" \
  test "$(field Package) $(field Version) $(field Section)" = "fleetcheck $version net"
depends=$(field Depends)
echo "  Depends: $depends"
missing_deps=""
for lib in libc6 libstdc++6 libssl3 libyaml-cpp0.7 libfmt9 libboost-url1.81.0; do
  [[ $depends == *"$lib"* ]] || missing_deps+=" $lib"
done
check "Depends (dpkg-shlibdeps) names libssl3, libyaml-cpp0.7, libfmt9, libboost-url1.81.0" \
  test -z "$missing_deps"
[[ -n $missing_deps ]] && echo "       missing:$missing_deps"
dpkg-deb --contents "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$work/contents"
missing_files=""
for f in /usr/bin/fleetcheck /usr/bin/fleetcheck-mock /usr/share/man/man1/fleetcheck.1.gz \
  /usr/share/man/man1/fleetcheck-mock.1.gz /usr/share/bash-completion/completions/fleetcheck \
  /usr/share/bash-completion/completions/fleetcheck-mock /usr/share/zsh/vendor-completions/_fleetcheck \
  /usr/share/doc/fleetcheck/README.md; do
  grep -qx "$f" "$work/contents" || missing_files+=" $f"
done
check "the package holds the programs, man pages, completions and README" test -z "$missing_files"
[[ -n $missing_files ]] && echo "       missing:$missing_files"
check "nothing outside /usr" test -z "$(grep -v -e '^/$' -e '^/usr' "$work/contents")"
check "programs are stripped" bash -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/bin/fleetcheck \
  | file - | grep -q ', stripped'"

# --- 3. install ------------------------------------------------------------------------------------
echo "== apt-get install ./$deb"
installed_packages >"$before_packages"  # after scripts/package: the build tools it installs stay
installed_by_us=yes
if timeout 300 $sudo apt-get install -y -qq "./$deb" >"$work/install.log" 2>&1; then
  pass "apt-get install ./$deb"
else
  cat "$work/install.log"
  fail "apt-get install ./$deb"
  finish
fi
check "dpkg says fleetcheck $version is installed" \
  test "$(dpkg-query -W -f='${Status} ${Version}' fleetcheck)" = "install ok installed $version"

# --- 4. the installed programs ------------------------------------------------------------------
echo "== the installed programs"
check "fleetcheck is /usr/bin/fleetcheck" test "$(command -v fleetcheck)" = /usr/bin/fleetcheck
got=$(fleetcheck --version 2>&1)
check "fleetcheck --version says 'fleetcheck $version' (got '$got')" test "$got" = "fleetcheck $version"
check "fleetcheck-mock --help exits 0" bash -c "fleetcheck-mock --help >/dev/null"

man_excluded=no
grep -rqs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/ && man_excluded=yes
if [[ $man_excluded == yes ]]; then
  echo "  skip man -w: this machine's dpkg excludes /usr/share/man (the pages are in the .deb, above)"
elif ! command -v man >/dev/null; then
  check "man page fleetcheck.1.gz installed (man-db is not installed)" \
    test -f /usr/share/man/man1/fleetcheck.1.gz
else
  check "man -w fleetcheck finds /usr/share/man/man1/fleetcheck.1.gz" \
    test "$(man -w fleetcheck 2>&1)" = /usr/share/man/man1/fleetcheck.1.gz
  check "man -w fleetcheck-mock finds its page" \
    test "$(man -w fleetcheck-mock 2>&1)" = /usr/share/man/man1/fleetcheck-mock.1.gz
  if command -v groff >/dev/null; then
    for page in fleetcheck fleetcheck-mock; do
      warnings=$(zcat "/usr/share/man/man1/$page.1.gz" | groff -man -Tutf8 -ww -z 2>&1)
      check "man page $page renders without warnings $warnings" test -z "$warnings"
    done
  fi
fi
check "bash completion /usr/share/bash-completion/completions/fleetcheck exists" \
  test -f /usr/share/bash-completion/completions/fleetcheck
check "zsh completion /usr/share/zsh/vendor-completions/_fleetcheck exists" \
  test -f /usr/share/zsh/vendor-completions/_fleetcheck
if "$root/tests/package/test_completions.sh" /usr/share/bash-completion/completions/fleetcheck \
  /usr/share/zsh/vendor-completions >"$work/completions.log" 2>&1; then
  pass "the installed completions complete ($(tail -n 1 "$work/completions.log"))"
else
  grep -E "FAIL|completions:" "$work/completions.log"
  fail "the installed completions complete"
fi
check "docs in /usr/share/doc/fleetcheck" test -f /usr/share/doc/fleetcheck/README.md

# A real run: the installed mock serves 3 services on loopback; the installed fleetcheck checks them.
echo "== fleetcheck check against fleetcheck-mock (installed, loopback)"
manifest="$work/x.yaml"
/usr/bin/fleetcheck-mock --services 3 --base-port 0 --manifest "$manifest" >"$work/mock.out" 2>&1 &
mock_pid=$!
ready=no
for _ in $(seq 100); do  # at most 10 s
  grep -q "ready" "$work/mock.out" 2>/dev/null && { ready=yes; break; }
  kill -0 "$mock_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ $ready == yes ]]; then
  pass "fleetcheck-mock: $(head -n 1 "$work/mock.out")"
  status=0
  timeout 30 /usr/bin/fleetcheck check -c "$manifest" --no-color >"$work/check.out" 2>&1 || status=$?
  sed 's/^/       /' "$work/check.out"
  check "fleetcheck check -c x.yaml exits 0 (got $status)" test "$status" -eq 0
  check "... and reports 3 healthy" grep -q "checked 3 targets: 3 healthy" "$work/check.out"
  url=$(sed -n 's/^ *url: *//p' "$manifest" | head -n 1)
  status=0
  timeout 30 /usr/bin/fleetcheck check "$url?status=503" --format json >"$work/fail.json" 2>&1 || status=$?
  check "a target answering 503 exits 1 (got $status)" test "$status" -eq 1
  status=0
  timeout 30 /usr/bin/fleetcheck check -c "$manifest" --no-such-flag >/dev/null 2>&1 || status=$?
  check "an unknown flag exits 2 (got $status)" test "$status" -eq 2
  kill -TERM "$mock_pid"
  status=0
  wait "$mock_pid" || status=$?
  mock_pid=""
  check "fleetcheck-mock stops cleanly on SIGTERM (exit $status)" test "$status" -eq 0
else
  cat "$work/mock.out"
  fail "fleetcheck-mock did not print its ready line within 10 s"
fi

# --- 5. remove -----------------------------------------------------------------------------------
echo "== apt-get remove fleetcheck"
if remove_package; then pass "apt-get remove -y fleetcheck"; else cat "$work/remove.log"; fail "apt-get remove -y fleetcheck"; fi
check "fleetcheck is no longer installed" bash -c "! dpkg-query -W -f='\${Status}' fleetcheck 2>/dev/null | grep -q 'ok installed'"
check "/usr/bin/fleetcheck and the man page are gone" \
  test ! -e /usr/bin/fleetcheck -a ! -e /usr/share/man/man1/fleetcheck.1.gz
check "the installed packages are as before" cmp -s "$before_packages" <(installed_packages)

finish
