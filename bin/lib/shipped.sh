# Sourced by bin/walship: answers `walship push PATH NAME` for a file the read-ahead agent already
# shipped, from its durable record, without starting a JVM. Anything unusual falls through to Java,
# which checks the same record and otherwise ships the file itself.

# ini_value FILE SECTION KEY: prints the value of KEY in [SECTION] (inline comments stripped).
ini_value() {
  local file=$1 section=$2 key=$3 line current= k v
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%[[:space:]][#;]*}
    case $line in
      \#*|\;*) continue ;;
      \[*\]*) current=${line#\[}; current=${current%%\]*}; current=${current//[[:space:]]/} ;;
      *[=:]*)
        [ "$current" = "$section" ] || continue
        k=${line%%[=:]*}; k=${k//[[:space:]]/}
        if [ "${k,,}" = "$key" ]; then
          v=${line#*[=:]}; v=${v#"${v%%[![:space:]]*}"}; v=${v%"${v##*[![:space:]]}"}
          printf '%s' "$v"
          return 0
        fi ;;
    esac
  done < "$file"
  return 1
}

# shipped_ahead ARGS...: true when ARGS are `push [--config F] PATH NAME` and the agent's record
# of NAME matches PATH's size and modification time to the nanosecond.
shipped_ahead() {
  [ "${1:-}" = push ] || return 1
  shift
  local config= path name server spool record stamp
  case ${1:-} in
    -c|--config) config=${2:-}; shift 2 ;;
    --config=*) config=${1#--config=}; shift ;;
  esac
  [ $# -eq 2 ] || return 1
  path=$1 name=$2
  case $name in */*|.*|'') return 1 ;; esac
  [ -n "$config" ] || config=${WALSHIP_CONFIG:-/etc/walship/walship.conf}
  [ -r "$config" ] || return 1
  server=$(ini_value "$config" agent server) || return 1
  case $server in */*|.*|'') return 1 ;; esac
  spool=$(ini_value "$config" agent spool_directory) && [ -n "$spool" ] || spool=/var/spool/walship
  case $spool in /*) ;; *) spool=$(dirname -- "$config")/$spool ;; esac
  record=$spool/$server/shipped/$name
  [ -r "$record" ] || return 1
  IFS= read -r stamp < "$record" || return 1
  [ -n "$stamp" ] && [ "$stamp" = "$(stat -c '%s %.9Y' -- "$path" 2>/dev/null)" ]
}
