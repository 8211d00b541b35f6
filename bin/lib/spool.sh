# Sourced by walship's bash libraries: the names in a server's spool directory that the launcher reads,
# as io.walship.agent.spool.SpoolLayout defines them (SpoolLayoutScriptTest holds the two together), and
# where that directory is, as io.walship.agent.config.AgentConfig finds it.
. "${BASH_SOURCE[0]%/*}/ini.sh"

spool_default_root=/var/spool/walship
spool_agent_pid=agent.pid
spool_agent_log=agent.log
spool_held=held
spool_shipped=shipped
spool_verified=verified
spool_asks=asks
spool_found=.found
spool_missing=.missing
spool_failed=.failed
spool_prefetch_pid=prefetch.pid
spool_prefetch_log=prefetch.log
spool_wanted=.wanted
spool_copy_suffix=.walship-spool
# The main class of the agent side (BackgroundProcess.MAIN_CLASS): bin/walship runs it, and a live agent
# is known by it in its command line.
walship_main=io.walship.agent.Walship
# The launcher that starts background commands (the agent, the read-ahead): the one these libraries belong to.
spool_launcher=${BASH_SOURCE[0]%/lib/*}/walship

# spool_command_args ARGS...: reads `[-c F|--config F|--config=F] REST...` as walship's commands take them: sets
# spool_config to F (empty without the option) and spool_args to REST. Fails on an option without its file.
spool_command_args() {
  spool_config=
  case ${1:-} in
    -c|--config) [ $# -ge 2 ] || return 1; spool_config=$2; shift 2 ;;
    --config=*) spool_config=${1#--config=}; shift ;;
  esac
  spool_args=("$@")
}

# spool_process_live FILE COMMAND: true when the first word of FILE is the pid of a live `walship COMMAND`; sets
# spool_pid to it and spool_rest to the rest of the line.
spool_process_live() {
  local cmdline
  spool_pid= spool_rest=
  [ -r "$1" ] && read -r spool_pid spool_rest < "$1" || return 1
  case $spool_pid in ''|*[!0-9]*) return 1 ;; esac
  # A recycled pid belongs to some other program.
  mapfile -d "" -t cmdline 2>/dev/null < "/proc/$spool_pid/cmdline" || return 1
  [[ " ${cmdline[*]} " == *" $walship_main $2 "* ]]
}

# spool_dir_of CONFIG: reads CONFIG's [agent] section into ini_values and sets spool_dir to
# <spool_directory>/<server>, a relative spool_directory taken from CONFIG's directory, an empty or
# absent one being the default. Fails when CONFIG cannot be read or names no usable server.
spool_dir_of() {
  local config=$1 root
  ini_read "$config" agent || return 1
  case ${ini_values[server]:-} in */*|.*|'') return 1 ;; esac
  root=${ini_values[spool_directory]:-$spool_default_root}
  # As Java's IniSection.path: a relative one is resolved against the file's directory, then normalized.
  if [[ $root != /* ]] && [[ $config == */* ]]; then
    spool_path_of "${config%/*}/$root" normalize
  else
    spool_path_of "$root"
  fi
  spool_dir=$spool_path/${ini_values[server]}
}

# spool_path_of PATH [normalize]: sets spool_path to an absolute PATH as java.nio.file.Path spells it, without
# repeated or trailing slashes; with normalize also without its . and .. parts, taken away by name as
# Path.normalize does (not through symbolic links, as the kernel would). A relative PATH stays as it is.
spool_path_of() {
  local rest=$1 part
  spool_path=
  if [[ $rest != /* ]]; then
    spool_path=$rest
    return
  fi
  while [ -n "$rest" ]; do
    part=${rest%%/*}
    if [ "$part" = "$rest" ]; then rest=; else rest=${rest#*/}; fi
    case ${2:-}:$part in
      *:) ;;
      normalize:.) ;;
      normalize:..) spool_path=${spool_path%/*} ;;
      *) spool_path+=/$part ;;
    esac
  done
  spool_path=${spool_path:-/}
}

# spool_start LOG DEADLINE WITHIN PIDFILE COMMAND ARGS...: runs `walship ARGS...` in a session of its own, its input
# /dev/null and its output appended to LOG, then waits until PIDFILE names a live `walship COMMAND`: this one, or
# the one another launcher started at the same moment (of two, the command's lock lets one run; the other exits 0
# at once). True with spool_pid and spool_rest read from PIDFILE, and spool_started set to the pid when it is the
# one started here. False, with spool_problem saying why, when it exits with an error, or has not announced itself
# by DEADLINE (microseconds, as ${EPOCHREALTIME/./}), WITHIN saying what that deadline is.
spool_start() {
  local log=$1 deadline=$2 within=$3 pidfile=$4 command=$5 pid status tick
  shift 5
  spool_started= spool_problem=
  (
    # Nothing of PostgreSQL's open but what is redirected: a pipe of its logger held open would outlive it.
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && [ -e "/proc/self/fd/$fd" ] && exec {fd}>&-
    done
    # A session of its own: PostgreSQL signals its child's whole process group on shutdown.
    if type -P setsid > /dev/null; then
      exec setsid "$spool_launcher" "$@"
    fi
    exec "$spool_launcher" "$@"
  ) < /dev/null >> "$log" 2>&1 &
  pid=$!
  # read -t on a pipe that never delivers is a sleep without starting a process for each tick.
  exec {tick}<> <(:)
  while [ "${EPOCHREALTIME/./}" -lt "$deadline" ]; do
    if spool_process_live "$pidfile" "$command"; then
      exec {tick}<&-
      [ "$spool_pid" != "$pid" ] || spool_started=$pid
      return 0
    fi
    if [ -n "$pid" ] && [ ! -d "/proc/$pid" ]; then
      status=0
      wait "$pid" || status=$?
      if [ "$status" -ne 0 ]; then
        exec {tick}<&-
        spool_problem="it exited at once: $(tail -n 1 -- "$log" 2>/dev/null); log in $log"
        return 1
      fi
      # It found the lock taken: the one that holds it is about to announce itself.
      pid=
    fi
    read -r -t 0.005 -u "$tick" || :
  done
  exec {tick}<&-
  spool_problem="it did not announce itself within $within; log in $log"
  return 1
}
