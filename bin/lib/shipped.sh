# Sourced by bin/walship: answers `walship push PATH NAME` for a file the read-ahead agent already
# shipped, from its durable record, without starting a JVM. Anything unusual falls through to Java,
# which checks the same record and otherwise ships the file itself.
. "${BASH_SOURCE[0]%/*}/spool.sh"

# shipped_ahead ARGS...: true when ARGS are `push [--config F] PATH NAME` and the agent's record
# of NAME matches PATH's size and modification time to the nanosecond. When there is no record yet but
# a live agent watches this data directory (the one archive_command runs in) and is not held back by a
# failing file, it is about to ship NAME: wait for its record, up to agent_wait seconds, rather than
# send the same bytes a second time beside it.
shipped_ahead() {
  [ "${1:-}" = push ] || return 1
  shift
  local config= path name record stamp want wait
  case ${1:-} in
    -c|--config) config=${2:-}; shift 2 ;;
    --config=*) config=${1#--config=}; shift ;;
  esac
  [ $# -eq 2 ] || return 1
  path=$1 name=$2
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
  await_agent "$spool_dir" "$record" "$want" "$wait"
}

# await_agent DIR RECORD STAMP SECONDS: true once RECORD holds STAMP; false as soon as the agent named
# in DIR/agent.pid is gone, watches another data directory or is held back (DIR/held), or after SECONDS.
await_agent() {
  local dir=$1 record=$2 want=$3 seconds=$4 pid pgdata here cmdline stamp deadline tick
  [ "$seconds" -gt 0 ] && [ -r "$dir/$spool_agent_pid" ] && [ ! -e "$dir/$spool_held" ] || return 1
  read -r pid pgdata < "$dir/$spool_agent_pid" || return 1
  case $pid in ''|*[!0-9]*) return 1 ;; esac
  here=$(pwd -P)
  [ "$pgdata" = "$here" ] || return 1
  # A recycled pid belongs to some other program.
  mapfile -d "" -t cmdline 2>/dev/null < "/proc/$pid/cmdline" || return 1
  [[ " ${cmdline[*]} " == *" $walship_main agent "* ]] || return 1
  # read -t on a pipe that never delivers is a sleep without starting a process for each tick.
  exec {tick}<> <(:)
  deadline=$(( ${EPOCHREALTIME/./} + seconds * 1000000 ))
  while [ -d "/proc/$pid" ] && [ ! -e "$dir/$spool_held" ] && [ "${EPOCHREALTIME/./}" -lt "$deadline" ]; do
    if [ -r "$record" ] && IFS= read -r stamp 2>/dev/null < "$record"; then
      exec {tick}<&-
      [ "$stamp" = "$want" ]
      return
    fi
    read -r -t 0.005 -u "$tick" || :
  done
  exec {tick}<&-
  return 1
}
