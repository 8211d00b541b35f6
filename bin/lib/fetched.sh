# Sourced by bin/walship: answers `walship fetch NAME PATH` without a JVM through the read-ahead (`walship prefetch`,
# io.walship.agent.fetch.PrefetchCommand): a segment it verified waits in the spool, or, asked through the spool's
# asks/ (io.walship.agent.fetch.FetchRequests), it gets NAME, or the receiver's "not in the archive", over its own
# connections. The first fetch of a recovery starts the read-ahead, detached, for the data directory
# restore_command runs in. Everything else, and every failure, falls through to Java (FetchCommand), which says what
# went wrong with the exit code it has always given.
. "${BASH_SOURCE[0]%/*}/spool.sh"

# How long an ask waits for the read-ahead's answer (seconds) before Java fetches NAME itself.
fetched_wait=60

# fetched_ahead ARGS...: true when ARGS are `fetch [--config F] NAME PATH` and this answered it, with fetch_exit set
# to the exit status: 0 NAME is at PATH, verified; 1 the receiver, asked after this call began, does not have NAME.
fetched_ahead() {
  [ "${1:-}" = fetch ] || return 1
  shift
  local config name path
  spool_command_args "$@" && [ ${#spool_args[@]} -eq 2 ] || return 1
  config=$spool_config name=${spool_args[0]} path=${spool_args[1]}
  [ -n "$config" ] || config=${WALSHIP_CONFIG:-/etc/walship/walship.conf}
  # Absolute, so that the read-ahead's command line and its log name the file wherever they are read.
  [[ $config == /* ]] || config=$PWD/$config
  spool_dir_of "$config" || return 1
  # prefetch = 0 turns the read-ahead off, and with it this; a value Java refuses is Java's to report.
  [[ ${ini_values[prefetch]:-8} =~ ^[1-9][0-9]*$ ]] || return 1
  fetch_exit=0
  # Segments only: history files decide timelines and are never taken from the spool.
  if [[ $name =~ ^[0-9A-F]{24}$ ]] && fetched_spooled "$name" "$path"; then
    return 0
  fi
  [[ $name =~ ^([0-9A-F]{24}|[0-9A-F]{8}\.history)$ ]] && fetched_asked "$config" "$name" "$path"
}

# fetched_spooled NAME PATH: links the spooled NAME to PATH when its record in verified/ matches it (size, time to the
# nanosecond, inode: io.walship.agent.fetch.VerifiedRecords); a file without one, or truncated, is left alone. The
# spooled file stays until the read-ahead's window has moved past it: PostgreSQL asks for the last segment again at
# the end of recovery.
fetched_spooled() {
  local name=$1 path=$2 spooled=$spool_dir/$1 recorded seen file
  [ -r "$spool_dir/$spool_verified/$name" ] && IFS= read -r recorded < "$spool_dir/$spool_verified/$name" \
    || return 1
  fetched_dir "$path"
  seen=$(stat -c '%s %.9Y %i %d' -- "$spooled" "$fetched_parent" 2>/dev/null) || return 1
  # The record's form of what stat saw of the file: all but its device.
  file=${seen%%$'\n'*}
  [ -n "$recorded" ] && [ "${seen%% *}" -gt 0 ] && [ "$recorded" = "${file% *}" ] || return 1
  # The read-ahead's window moves on first, so that it does not fetch NAME again once it has left the spool.
  printf '%s %s\n' "$name" "${seen%% *}" > "$spool_dir/$spool_wanted" 2>/dev/null || return 1
  fetched_place "$spooled" "$path" "$seen" link
}

# fetched_asked CONFIG NAME PATH: asks the read-ahead for NAME, first starting it when none runs, and waits for its
# answer; fails, leaving NAME to Java, when it cannot start, when it answers that it failed, when it stops, and after
# fetched_wait seconds.
fetched_asked() {
  local config=$1 name=$2 path=$3 ask pid deadline tick seen status=1
  deadline=$(( ${EPOCHREALTIME/./} + fetched_wait * 1000000 ))
  spool_process_live "$spool_dir/$spool_prefetch_pid" prefetch || fetched_start "$config" "$deadline" || return 1
  pid=$spool_pid
  ask=$spool_dir/$spool_asks/$name.$$-${EPOCHREALTIME/./}
  { : > "$ask"; } 2>/dev/null || return 1
  # read -t on a pipe that never delivers is a sleep without starting a process for each tick.
  exec {tick}<> <(:)
  while :; do
    if [ -e "$ask$spool_found" ]; then
      fetched_dir "$path"
      seen=$(stat -c '%s %.9Y %i %d' -- "$ask$spool_found" "$fetched_parent" 2>/dev/null) \
        && fetched_place "$ask$spool_found" "$path" "$seen" && status=0
      break
    fi
    if [ -e "$ask$spool_missing" ]; then
      fetch_exit=1 status=0
      break
    fi
    if [ -e "$ask$spool_failed" ] || [ ! -e "$spool_dir/$spool_prefetch_pid" ] || [ ! -d "/proc/$pid" ] \
        || [ "${EPOCHREALTIME/./}" -ge "$deadline" ]; then
      break
    fi
    read -r -t 0.002 -u "$tick" || :
  done
  exec {tick}<&-
  rm -f -- "$ask" "$ask$spool_found" "$ask$spool_missing" "$ask$spool_failed"
  return $status
}

# fetched_start CONFIG DEADLINE: starts `walship prefetch` for the data directory restore_command runs in and waits
# until it (or the one another fetch started at the same moment) answers asks; sets spool_pid to it. Fails when the
# spool directory cannot be written, or it does not run by DEADLINE: Java then fetches NAME itself, and says why.
fetched_start() {
  local config=$1 deadline=$2 log=$spool_dir/$spool_prefetch_log
  { mkdir -p -- "$spool_dir/$spool_asks" && [ -w "$spool_dir" ] && : >> "$log"; } 2>/dev/null || return 1
  spool_start "$log" "$deadline" "$fetched_wait s" "$spool_dir/$spool_prefetch_pid" prefetch \
    prefetch --config "$config" --pgdata "$(pwd -P)"
}

# fetched_dir PATH: sets fetched_parent to the directory PATH is in, relative to the working directory as
# PostgreSQL passes %p.
fetched_dir() {
  fetched_parent=.
  [[ $1 != */* ]] || fetched_parent=${1%/*}
}

# fetched_place FILE PATH "SIZE TIME INODE DEV\n... DEV" [link]: renames FILE to PATH, or with link gives it PATH as a
# second name; where PATH's directory (the second line's DEV) is on another file system, copies it beside PATH
# (SpoolLayout.copyTemp), on disk, renames that, and removes FILE unless link.
fetched_place() {
  local file=$1 path=$2 seen=$3 link=${4:-} first dir temp
  first=${seen%%$'\n'*} dir=${seen##*$'\n'}
  if [ "${first##* }" = "${dir##* }" ]; then
    if [ -n "$link" ]; then
      ln -fT -- "$file" "$path" 2>/dev/null
    else
      mv -fT -- "$file" "$path" 2>/dev/null
    fi
    return
  fi
  fetched_dir "$path"
  temp=$fetched_parent/.${path##*/}$spool_copy_suffix
  if cp -- "$file" "$temp" 2>/dev/null && sync -- "$temp" 2>/dev/null && mv -fT -- "$temp" "$path" 2>/dev/null; then
    [ -n "$link" ] || rm -f -- "$file"
    return 0
  fi
  rm -f -- "$temp"
  return 1
}
