# bash completion for fleetcheck and fleetcheck-mock                          -*- shell-script -*-
# Installed as share/bash-completion/completions/fleetcheck (and .../fleetcheck-mock, the same file).
# Works with or without the bash-completion package: uses _filedir when it is there, compgen -f if not.

_fleetcheck_files() {
  if declare -F _filedir >/dev/null; then
    _filedir
  else
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$1"))
    compopt -o filenames 2>/dev/null
  fi
}

# Sets cur and prev from COMP_WORDS; "--format=js" arrives split at '=' (COMP_WORDBREAKS): prev is
# then the option, not "=".
_fleetcheck_words() {
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  if [[ $cur == "=" ]]; then
    cur=""
  elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi
}

_fleetcheck() {
  local cur prev
  _fleetcheck_words

  local check_opts="-c --config --targets-file --group --timeout --deadline --concurrency --threads
    --retries -X --method -H --header --follow-redirects --max-body --max-header --expect-status
    --condition --ca-file -k --insecure --format -o --output --only-failed -q --quiet --wide
    --no-color -h --help"
  local bench_opts="--quick --sizes --reps --strategies --out --services --base-port --latency
    --timeout --max-run --cell-budget --run-timeout --ready-timeout --python --peers-dir --go-peer
    --curl --mock --client --retries --no-plots -h --help"

  # The subcommand: the first of check, validate, bench on the line.
  local i cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      check | validate | bench) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "check validate bench" -- "$cur"))
    fi
    return 0
  fi

  if [[ $cmd == bench ]]; then
    case $prev in
      --out | --peers-dir)
        if declare -F _filedir >/dev/null; then _filedir -d; else COMPREPLY=($(compgen -d -- "$cur")); fi
        return 0 ;;
      --python | --go-peer | --curl | --mock | --client) _fleetcheck_files "$cur"; return 0 ;;
      --sizes | --reps | --strategies | --services | --base-port | --latency | --timeout | \
        --max-run | --cell-budget | --run-timeout | --ready-timeout | --retries)
        return 0 ;;
    esac
    COMPREPLY=($(compgen -W "$bench_opts" -- "$cur"))
    return 0
  fi

  # check and validate
  case $prev in
    -c | --config | -o | --output | --ca-file) _fleetcheck_files "$cur"; return 0 ;;
    --targets-file)
      _fleetcheck_files "$cur"
      [[ -z $cur || $cur == - ]] && COMPREPLY+=("-")
      return 0 ;;
    --format) COMPREPLY=($(compgen -W "table json ndjson prometheus junit" -- "$cur")); return 0 ;;
    -X | --method)
      COMPREPLY=($(compgen -W "GET HEAD POST PUT PATCH DELETE OPTIONS" -- "$cur")); return 0 ;;
    --expect-status) COMPREPLY=($(compgen -W "200 204 2xx 3xx 200-299 200-399" -- "$cur")); return 0 ;;
    --timeout | --deadline | --concurrency | --threads | --retries | --follow-redirects | \
      --max-body | --max-header | -H | --header | --condition | --group)
      return 0 ;;  # a value nobody can guess: complete nothing rather than a flag
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$check_opts" -- "$cur"))
  elif [[ $cmd == check ]]; then
    COMPREPLY=($(compgen -W "http:// https:// tcp:// grpc:// grpcs://" -- "$cur"))
    compopt -o nospace 2>/dev/null
  fi
  return 0
}

_fleetcheck_mock() {
  local cur prev
  _fleetcheck_words
  case $prev in
    --manifest | --cert | --key | --client-ca) _fleetcheck_files "$cur"; return 0 ;;
    --host) COMPREPLY=($(compgen -W "127.0.0.1 0.0.0.0 ::1 ::" -- "$cur")); return 0 ;;
    --services | --base-port | --delay | --jitter | --fail-rate | --fail-status | --hang-rate | \
      --reset-rate | --garbage-rate | --big-rate | --slow-rate | --seed | --threads)
      return 0 ;;
  esac
  COMPREPLY=($(compgen -W "--services --base-port --host --delay --jitter --fail-rate --fail-status
    --hang-rate --reset-rate --garbage-rate --big-rate --slow-rate --seed --threads --manifest --tls
    --cert --key --client-ca -h --help" -- "$cur"))
  return 0
}

complete -F _fleetcheck fleetcheck
complete -F _fleetcheck_mock fleetcheck-mock
