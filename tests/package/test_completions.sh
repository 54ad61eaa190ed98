#!/usr/bin/env bash
# Tests the shell completions: bash by sourcing the script and reading COMPREPLY, zsh by typing into
# an interactive zsh on a pseudo-terminal (zsh/zpty) and reading what it completes. Without zsh, the
# zsh checks are skipped (and say so). Takes a few seconds; needs no build.
#
#   tests/package/test_completions.sh [BASH_COMPLETION_FILE [ZSH_COMPLETION_DIR]]
#
# Defaults: packaging/completions/fleetcheck.bash and packaging/completions (the source tree);
# tests/package/test_deb.sh passes the installed files instead.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash_file=$(realpath -m "${1:-$root/packaging/completions/fleetcheck.bash}")
zsh_dir=$(realpath -m "${2:-$root/packaging/completions}")

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/fleet.yaml" "$work/flaky.yml" "$work/other.txt"

# --- bash --------------------------------------------------------------------------------------
# One bash per check: sources the completion (after bash-completion's own library when asked),
# sets COMP_WORDS as bash would split the line (the words are the arguments; the last one is the
# word being completed), calls the function `complete -p` names, prints COMPREPLY one per line.
bash_complete() {
  local with_library=$1
  shift
  (cd "$work" && bash --norc --noprofile -c '
    with_library=$1 file=$2; shift 2
    if [[ $with_library == yes ]]; then source /usr/share/bash-completion/bash_completion; fi
    source "$file" || exit 1
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    spec=$(complete -p "$1") || exit 1
    func=${spec#*-F }; func=${func%% *}
    "$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ' _ "$with_library" "$bash_file" "$@")
}

# expect_bash LIBRARY 'EXPECTED REPLY (sorted, space-separated)' WORD...
expect_bash() {
  local library=$1 expected=$2
  shift 2
  local got label=bash
  [[ $library == yes ]] && label="bash+bash-completion"
  got=$(bash_complete "$library" "$@" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
  if [[ $got == "$expected" ]]; then
    pass "$label: '$*<TAB>' -> $got"
  else
    fail "$label: '$*<TAB>' -> '$got', expected '$expected'"
  fi
}

bash_checks() {
  local l=$1
  expect_bash "$l" "check" fleetcheck ch
  expect_bash "$l" "bench check validate" fleetcheck ""
  expect_bash "$l" "--format" fleetcheck check --for
  expect_bash "$l" "json junit ndjson prometheus table" fleetcheck check --format ""
  expect_bash "$l" "json" fleetcheck check --format = js    # --format=js, split at '=' by bash
  expect_bash "$l" "json junit ndjson prometheus table" fleetcheck check --format =
  expect_bash "$l" "PATCH POST PUT" fleetcheck check -X P
  expect_bash "$l" "DELETE GET HEAD OPTIONS PATCH POST PUT" fleetcheck check --method ""
  expect_bash "$l" "flaky.yml fleet.yaml" fleetcheck check -c fl
  expect_bash "$l" "fleet.yaml" fleetcheck validate --config fle
  expect_bash "$l" "other.txt" fleetcheck check -o ot
  expect_bash "$l" "other.txt" fleetcheck check --ca-file ot
  expect_bash "$l" "- flaky.yml fleet.yaml other.txt" fleetcheck check --targets-file ""
  expect_bash "$l" "other.txt" fleetcheck check --targets-file ot
  expect_bash "$l" "" fleetcheck check --timeout ""        # a duration: nothing to offer
  expect_bash "$l" "--only-failed" fleetcheck check --on
  expect_bash "$l" "--quiet" fleetcheck check --qu
  expect_bash "$l" "--max-body --max-header" fleetcheck check --max
  expect_bash "$l" "--quick" fleetcheck bench --qui
  expect_bash "$l" "--manifest" fleetcheck-mock --man
}

echo "bash completion: $bash_file"
if [[ ! -f $bash_file ]]; then
  fail "bash: $bash_file does not exist"
else
  bash_checks no
  if [[ -f /usr/share/bash-completion/bash_completion ]]; then
    bash_checks yes
  else
    echo "  skip bash with the bash-completion library (package bash-completion not installed)"
  fi
fi

# --- zsh ---------------------------------------------------------------------------------------
echo "zsh completion: $zsh_dir/_fleetcheck"
if ! command -v zsh >/dev/null; then
  echo "  skip zsh (not installed)"
elif [[ ! -f $zsh_dir/_fleetcheck ]]; then
  fail "zsh: $zsh_dir/_fleetcheck does not exist"
else
  if zsh -n "$zsh_dir/_fleetcheck"; then pass "zsh: zsh -n _fleetcheck"; else fail "zsh: zsh -n _fleetcheck"; fi
  # Types each line and a TAB into `zsh -f -i` on a pty; prints what the terminal showed.
  cat >"$work/drive.zsh" <<'EOF'
zmodload zsh/zpty || exit 1
dir=$1; shift
zpty -b z "TERM=dumb HOME=$PWD zsh -f -i"
zpty -w z "PS1='READY> '; fpath=($dir \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' menu no; unsetopt beep; fleetcheck() { :; }; fleetcheck-mock() { :; }"
drain() { local chunk; while zpty -r -t z chunk; do :; done; }
sleep 1; drain
for input in "$@"; do
  out="" chunk=""
  zpty -n -w z "$input"$'\t'
  for _ in {1..20}; do  # up to 2 s for the first completion (compinit, autoload)
    sleep 0.1
    while zpty -r -t z chunk; do out+=$chunk; done
    [[ -n $out ]] && { sleep 0.3; while zpty -r -t z chunk; do out+=$chunk; done; break; }
  done
  zpty -n -w z $'\C-u'; sleep 0.1; drain
  print -r -- "<<<${input}>>>${out//$'\r'/}<<<end>>>"
done
zpty -d z
EOF
  inputs=("fleetcheck ch" "fleetcheck check --for" "fleetcheck check --format=" "fleetcheck check -X "
    "fleetcheck check -c fl" "fleetcheck check --only" "fleetcheck-mock --man")
  transcript=$(cd "$work" && timeout 60 zsh -f "$work/drive.zsh" "$zsh_dir" "${inputs[@]}" 2>&1)
  # expect_zsh INPUT PATTERN...: every pattern must appear in what the terminal showed for INPUT.
  expect_zsh() {
    local input=$1 shown ok=yes
    shift
    shown=$(awk -v key="<<<$input>>>" 'index($0, key) == 1 { on = 1 } on { print } /<<<end>>>/ { on = 0 }' \
      <<<"$transcript")
    for p in "$@"; do [[ $shown == *"$p"* ]] || ok=no; done
    if [[ $ok == yes ]]; then
      pass "zsh: '$input<TAB>' shows $*"
    else
      fail "zsh: '$input<TAB>' should show $*; the terminal showed: $(tr '\n' ' ' <<<"$shown" | cut -c1-300)"
    fi
  }
  expect_zsh "fleetcheck ch" "fleetcheck check "
  expect_zsh "fleetcheck check --for" "--format="
  expect_zsh "fleetcheck check --format=" table json ndjson prometheus junit
  expect_zsh "fleetcheck check -X " GET POST HEAD
  expect_zsh "fleetcheck check -c fl" fleet.yaml flaky.yml
  expect_zsh "fleetcheck check --only" "--only-failed"
  expect_zsh "fleetcheck-mock --man" "--manifest="
fi

echo "completions: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
