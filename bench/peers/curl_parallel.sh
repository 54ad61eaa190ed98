#!/usr/bin/env bash
# Peer 'curl-parallel': the curl command-line tool's parallel transfers (curl -Z), as many at once
# as curl allows: 300, its maximum (the other strategies get 10,000). One GET per URL with
# Connection: close (one new connection per check, like every strategy), -m as the per-check
# timeout, the bodies to /dev/null, one -w line per transfer.
#
# Takes the flags of fleetcheck-bench-client and the Python peers (see peer_common.py), plus
# --curl PATH, and prints the same JSON line: {"strategy","n","ok","failed","elapsed_seconds"} and
# "first_error" when a check failed. Exits 0 whenever it could check (failed checks are counted,
# not an error); non-zero only when curl itself could not run.
set -uo pipefail

curl=curl strategy=curl-parallel host=127.0.0.1 base_port="" services=100 count="" timeout=10s
deadline=300s
max_parallel=300  # curl's MAX_PARALLEL: it runs no more transfers at once, whatever it is told

die() {
  echo "curl_parallel.sh: $*" >&2
  exit 2
}
while (($# > 0)); do
  (($# >= 2)) || die "$1 needs a value"
  case "$1" in
    --curl) curl=$2 ;;
    --strategy) strategy=$2 ;;
    --host) host=$2 ;;
    --base-port) base_port=$2 ;;
    --services) services=$2 ;;
    --count) count=$2 ;;
    --timeout) timeout=$2 ;;
    --deadline) deadline=$2 ;;
    *) die "unknown flag $1" ;;
  esac
  shift 2
done
[[ $base_port =~ ^[1-9][0-9]*$ && $count =~ ^[1-9][0-9]*$ && $services =~ ^[1-9][0-9]*$ ]] ||
  die "--base-port, --count and --services must be positive numbers"

# '10s', '200ms', '1m30s', '250us' (fleetcheck's durations) -> seconds.
seconds() {
  awk -v text="$1" 'BEGIN {
    total = 0; rest = text
    while (match(rest, /^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h)/)) {
      part = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
      match(part, /[a-z]+$/); unit = substr(part, RSTART); value = substr(part, 1, RSTART - 1) + 0
      total += value * (unit == "ns" ? 1e-9 : unit == "us" ? 1e-6 : unit == "ms" ? 1e-3 : \
                        unit == "s" ? 1 : unit == "m" ? 60 : 3600)
    }
    if (rest != "" || text == "") exit 1
    printf "%.6f\n", total
  }'
}
timeout_s=$(seconds "$timeout") || die "invalid duration '$timeout' (use e.g. 200ms, 10s)"
deadline_s=$(seconds "$deadline") || die "invalid duration '$deadline' (use e.g. 200ms, 10s)"
[[ $host == *:* ]] && host="[$host]"
parallel=$((count < max_parallel ? count : max_parallel))

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
started=${EPOCHREALTIME//[.,]/}

# The URLs go to curl as a config file on stdin (one url/output pair each): N can be 100,000. The
# last awk tallies the -w lines ("200 0 " or "000 7 Failed to connect ...") as they come.
tally=$(
  awk -v host="$host" -v base="$base_port" -v k="$services" -v n="$count" 'BEGIN {
    for (i = 0; i < n; i++)
      printf "url = \"http://%s:%d/health\"\noutput = \"/dev/null\"\n", host, base + i % k
  }' |
    timeout --kill-after=1 "$deadline_s" "$curl" -q --config - --silent --no-progress-meter \
      --parallel --parallel-immediate --parallel-max "$parallel" --max-time "$timeout_s" \
      --header 'Connection: close' --noproxy '*' \
      --write-out '%{http_code} %{exitcode} %{errormsg}\n' 2>"$errors" |
    awk '{
      if ($1 ~ /^2[0-9][0-9]$/) { ok++; next }
      if (failed++ > 0) next
      if ($2 != "0") { $1 = ""; $2 = ""; sub(/^ +/, ""); first = $0 != "" ? $0 : "curl error " $2 }
      else first = "HTTP " $1
    }
    END { printf "%d %d\n%s\n", ok, failed, first }'
  echo "${PIPESTATUS[1]}"
)
ended=${EPOCHREALTIME//[.,]/}
{
  read -r ok failed
  IFS= read -r first_error
  read -r status
} <<<"$tally"

missing=$((count - ok - failed))
if ((missing > 0)); then
  if [[ $status != 124 && $status != 137 ]]; then
    echo "curl_parallel.sh: $curl exited with status $status after $((ok + failed)) of $count" \
      "transfers: $(tail -n 1 "$errors")" >&2
    exit 1
  fi
  # curl's -w lines are block-buffered: a run cut short by the deadline loses the last ones.
  failed=$((count - ok))
  [[ -n $first_error ]] || first_error="deadline reached"
fi

first_error=${first_error:0:300}
first_error=${first_error//\\/\\\\}
first_error=${first_error//\"/\\\"}
first_error=${first_error//$'\t'/ }
elapsed_us=$((ended - started))
printf '{"strategy": "%s", "n": %d, "ok": %d, "failed": %d, "elapsed_seconds": %d.%06d' \
  "$strategy" "$count" "$ok" "$failed" $((elapsed_us / 1000000)) $((elapsed_us % 1000000))
((failed > 0)) && printf ', "first_error": "%s"' "$first_error"
printf '}\n'
exit 0
