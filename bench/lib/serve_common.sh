# shellcheck shell=bash disable=SC2154  # bin and port are set by the sourcing script
# Shared set-up of the `fleetcheck serve` benchmarks (bench/serve_load, bench/serve_soak): a mock
# fleet, a fleet file over its services, the daemon, and what they measure from outside the
# process (/proc, /metrics, the SQLite store). Sourced, not run; expects `set -euo pipefail` and
# `bin` (the directory of fleetcheck and fleetcheck-mock) and `port` set by the script.

work=$(mktemp -d)
pids=()
serve_common_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap serve_common_cleanup EXIT
reuse="${REUSE:-0}"
# Both processes raise their own soft limit to 131072 when the hard limit allows; with kept
# connections (REUSE=1) they need more than one per target, so raise the hard limit too where we
# may.
if [[ "$reuse" == 1 ]]; then
  ulimit -Hn $((${targets:-50000} * 2 + 65536)) 2>/dev/null || true
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
else
  ulimit -n 65536 2>/dev/null || true
fi

# start_mock NAME ARGS...: a fleetcheck-mock on ports the OS picks, its manifest in
# $work/NAME.yaml; waits until it is ready and sets mock_pid.
start_mock() {
  local name=$1
  shift
  "$bin/fleetcheck-mock" --base-port 0 --threads 1 "$@" --manifest "$work/$name.yaml" \
    >"$work/$name.out" 2>&1 &
  mock_pid=$!
  pids+=("$mock_pid")
  for _ in $(seq 100); do grep -q ready "$work/$name.out" && break; sleep 0.05; done
  grep -q ready "$work/$name.out" || { echo "fleetcheck-mock $name did not start" >&2; exit 1; }
}

# write_fleet TARGETS INTERVAL [SLOW_MANIFEST]: $work/fleet.yaml, targets t0..t<N-1> spread over
# the services of $work/mock.yaml in 100 groups; with SLOW_MANIFEST, 100 targets api0..api99 of
# its first service in group "api", checked hourly (for /api/v1/check, not to add to the load).
# REUSE=1: `reuse_connection: true` on every target; CONCURRENCY: the in-flight cap (10000).
write_fleet() {
  python3 - "$work" "$1" "$2" "${3:-}" "$reuse" "${CONCURRENCY:-10000}" <<'PY'
import re, sys
work, targets, interval, slow_manifest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
reuse, concurrency = sys.argv[5] == '1', int(sys.argv[6])
urls = re.findall(r'url: (\S+)', open(f'{work}/mock.yaml').read())
with open(f'{work}/fleet.yaml', 'w') as f:
    f.write(f'concurrency: {concurrency}\ndefaults:\n  interval: {interval}\n  timeout: 2s\n')
    if reuse:
        f.write('  reuse_connection: true\n')
    f.write('targets:\n')
    for i in range(targets):
        f.write(f'  - name: t{i}\n    url: {urls[i % len(urls)]}?n={i}\n    group: g{i % 100}\n')
    if slow_manifest:
        slow = re.findall(r'url: (\S+)', open(slow_manifest).read())[0]
        for i in range(100):
            f.write(f'  - name: api{i}\n    url: {slow}?n={i}\n    group: api\n    interval: 1h\n')
PY
}

# start_serve: `fleetcheck serve` on $port with the history in $work/data (kept across
# restarts); waits for /readyz and sets serve_pid.
start_serve() {
  "$bin/fleetcheck" serve -c "$work/fleet.yaml" --listen "127.0.0.1:$port" \
    --data-dir "$work/data" 2>>"$work/serve.log" &
  serve_pid=$!
  pids+=("$serve_pid")
  for _ in $(seq 600); do curl -sf "127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.05; done
  echo "fleetcheck serve did not become ready; see its log:" >&2
  tail -5 "$work/serve.log" >&2
  exit 1
}

# seconds_of 10s | 500ms | 2m: the duration in seconds (may be fractional).
seconds_of() {
  python3 -c "import re;m=re.match(r'(\d+)(ms|s|m)\$','$1');print(int(m[1])*{'ms':0.001,'s':1,'m':60}[m[2]])"
}
# cpu_ticks PID: utime + stime; rss_kb PID: resident set, kB.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
# checks_total: scheduled checks finished by the running daemon, all outcomes (from /metrics).
checks_total() {
  curl -s "127.0.0.1:$port/metrics" |
    awk '/^fleetcheck_checks_total\{/{n += $2} END{printf "%d\n", n}'
}
# store_rows [UNTIL_MS]: results in the history store (finished at or before UNTIL_MS, Unix ms).
store_rows() {
  sqlite3 -readonly "$work/data/history.db" \
    "SELECT count(*) FROM results${1:+ WHERE at <= $1}"
}
# store_last_ms: when the latest stored result finished, Unix ms.
store_last_ms() { sqlite3 -readonly "$work/data/history.db" "SELECT max(at) FROM results"; }
# now_ms: the wall clock, Unix ms (the store's clock).
now_ms() { date +%s%3N; }
