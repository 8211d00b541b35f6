# Sourced by bin/walship: answers `walship push PATH NAME` for a file the read-ahead agent shipped, from its
# durable record, without starting a JVM. Anything unusual falls through to Java, which checks the same record
# and otherwise ships the file itself.
. "${BASH_SOURCE[0]%/*}/agent.sh"

# shipped_ahead ARGS...: true when ARGS are `push [--config F] PATH NAME` and the agent's record of NAME matches
# PATH's size and modification time to the nanosecond. When there is no record yet, the agent is about to ship
# NAME, or will be: push waits for its record, up to agent_wait seconds, rather than send the same bytes a second
# time beside it, and first starts the agent when none runs (start_agent) in the data directory that
# archive_command runs in. When the agent cannot help after all, one line on stderr says why, and Java sends NAME.
shipped_ahead() {
  [ "${1:-}" = push ] || return 1
  shift
  local config path name record stamp want wait deadline here
  spool_command_args "$@" && [ ${#spool_args[@]} -eq 2 ] || return 1
  config=$spool_config path=${spool_args[0]} name=${spool_args[1]}
  case $name in */*|.*|'') return 1 ;; esac
  [ -n "$config" ] || config=${WALSHIP_CONFIG:-/etc/walship/walship.conf}
  spool_dir_of "$config" || return 1
  record=$spool_dir/$spool_shipped/$name
  want=$(stat -c '%s %.9Y' -- "$path" 2>/dev/null) || return 1
  if [ -r "$record" ]; then
    IFS= read -r stamp < "$record" || return 1
    [ -n "$stamp" ] && [ "$stamp" = "$want" ]
    return
  fi
  wait=${ini_values[agent_wait]:-30}
  case $wait in ''|*[!0-9]*) return 1 ;; esac
  [ "$wait" -gt 0 ] || return 1
  deadline=$(( ${EPOCHREALTIME/./} + wait * 1000000 ))
  here=$(pwd -P)
  if agent_live "$spool_dir"; then
    if [ "$agent_pgdata" != "$here" ]; then
      push_note "the agent of server '${ini_values[server]}' (pid $agent_pid) ships $agent_pgdata; sending $name itself"
      return 1
    fi
  elif agent_wanted; then
    # Absolute, so that the agent's command line and its log name the file wherever they are read.
    if [[ $config != /* ]]; then
      config=$PWD/$config
      spool_dir_of "$config" || return 1
    fi
    if ! agent_start "$config" "$here" "$deadline" "$wait"; then
      push_note "the agent could not start ($agent_problem); sending $name itself"
      return 1
    fi
    if [ -n "$agent_started" ]; then
      push_note "started the agent (pid $agent_started) for $here; log in $spool_dir/$spool_agent_log"
    fi
  else
    return 1
  fi
  agent_await "$record" "$want" "$deadline" "$wait" && return
  [ -z "$agent_problem" ] || push_note "$agent_problem; sending $name itself"
  return 1
}

# push_note TEXT: one line for PostgreSQL's log, which gets push's stderr.
push_note() {
  echo "walship push: $*" >&2
}
