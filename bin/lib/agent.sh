# Sourced by bin/lib/shipped.sh: the read-ahead agent as the launcher's push sees it. It finds the agent that runs
# for a server's spool directory and, when none does, starts one for the data directory archive_command runs in,
# detached and without a JVM of its own in push. Of two pushes that start one at the same moment, the agent's lock
# lets one run; the other agent exits at once, quietly (io.walship.agent.daemon.AgentCommand, --on-demand).
. "${BASH_SOURCE[0]%/*}/spool.sh"

# agent_args CONFIG DIR: sets agent_args to the arguments of `walship agent` as push starts it, for the data
# directory DIR with CONFIG (io.walship.agent.daemon.AgentCommand reads them; AgentStartScriptTest parses them
# with it).
agent_args() {
  agent_args=(agent --config "$1" --pgdata "$2" --on-demand)
}

# agent_live DIR: true when DIR/agent.pid names a live walship agent; sets agent_pid and agent_pgdata, the data
# directory it ships.
agent_live() {
  local status=0
  spool_process_live "$1/$spool_agent_pid" agent || status=1
  agent_pid=$spool_pid agent_pgdata=$spool_rest
  return $status
}

# agent_wanted: whether push may start the agent: start_agent is yes (the default, read as
# io.walship.agent.config.AgentConfig reads it; a value Java refuses starts nothing, and Java reports it) and the
# working directory is a data directory, as it is for archive_command.
agent_wanted() {
  local start=${ini_values[start_agent]:-yes}
  case ${start,,} in
    yes|on|true|1) [ -d pg_wal/archive_status ] ;;
    *) return 1 ;;
  esac
}

# agent_start CONFIG DIR DEADLINE SECONDS: starts `walship agent` for the data directory DIR with CONFIG (both
# absolute) in a session of its own, its input /dev/null and its output appended to the spool's agent.log, then
# waits until an agent announces itself in the spool: this one, or the one that a push started at the same moment.
# True once one ships DIR, with agent_pid set and agent_started set to it when it is the one started here. False,
# with agent_problem saying why, when the agent cannot run, or has not announced itself by DEADLINE (microseconds,
# as ${EPOCHREALTIME/./}), SECONDS after the push began.
agent_start() {
  local config=$1 dir=$2 deadline=$3 seconds=$4 log=$spool_dir/$spool_agent_log user
  agent_started= agent_problem=
  if ! { mkdir -p -- "$spool_dir" && [ -w "$spool_dir" ] && : >> "$log"; } 2>/dev/null; then
    user=$(id -un)
    # Worded as io.walship.agent.spool.SpoolAccess words it for the agent and for walship check.
    agent_problem="spool_directory: $user cannot write $spool_dir; create ${spool_dir%/*} owned by $user, or set"
    agent_problem+=" spool_directory in [agent] of $config"
    return 1
  fi
  agent_args "$config" "$dir"
  if ! spool_start "$log" "$deadline" "agent_wait ($seconds s)" "$spool_dir/$spool_agent_pid" agent \
      "${agent_args[@]}"; then
    agent_problem=$spool_problem
    return 1
  fi
  agent_pid=$spool_pid agent_pgdata=$spool_rest agent_started=$spool_started
  if [ "$agent_pgdata" != "$dir" ]; then
    agent_problem="the agent of server '${ini_values[server]}' (pid $agent_pid) ships $agent_pgdata"
    return 1
  fi
}

# agent_await RECORD STAMP DEADLINE SECONDS: true once RECORD holds STAMP. False as soon as RECORD holds another
# stamp; as soon as the agent agent_pid names is gone or held back by a failing file (the spool's held), and when
# DEADLINE passes, SECONDS after the push began, with agent_problem saying why.
agent_await() {
  local record=$1 want=$2 deadline=$3 seconds=$4 stamp held why tick
  agent_problem=
  exec {tick}<> <(:)
  while :; do
    if [ -r "$record" ] && IFS= read -r stamp 2>/dev/null < "$record"; then
      exec {tick}<&-
      [ "$stamp" = "$want" ]
      return
    fi
    if [ -e "$spool_dir/$spool_held" ]; then
      { IFS= read -r held && IFS= read -r why; } 2>/dev/null < "$spool_dir/$spool_held" || :
      agent_problem="the agent is held back by ${held:-a failing file}${why:+ ($why)}"
      break
    fi
    if [ ! -d "/proc/$agent_pid" ]; then
      agent_problem="the agent (pid $agent_pid) stopped"
      break
    fi
    if [ "${EPOCHREALTIME/./}" -ge "$deadline" ]; then
      agent_problem="the agent did not ship ${record##*/} within agent_wait ($seconds s)"
      break
    fi
    read -r -t 0.005 -u "$tick" || :
  done
  exec {tick}<&-
  return 1
}
