# Sourced by bin/walship: the AOT caches (JEP 483/514) of the agent side and which one a command
# starts with. `walship aot-cache` writes two next to the agent jar:
#   walship-agent.aot        trained on push and fetch over the network (TLS, Netty);
#   walship-agent-light.aot  trained on what needs no network: a fetch served from the read-ahead
#                            spool, --version, --help.
# A JVM loads every class of its cache at start: a short command starts fastest from the small cache
# that covers it, and slower than with no cache at all from the big one. A cache is only valid for
# the JDK build and the jars (their times) it was made with, and one the JVM rejects also costs it the
# JDK's own CDS archive. So each cache has a stamp, CACHE.jdk: it names the JDK, and its time is that
# of the newest jar at training. A cache is passed only while the JDK is the same and no jar is newer
# or older than that (a rebuild, a copy that did not keep file times). Choosing wrongly only costs time.
. "${BASH_SOURCE[0]%/*}/spool.sh"

# aot_jdk_id JAVA_HOME WALSHIP_HOME: sets aot_jdk to what identifies that JDK build (its path and
# release file). A runtime inside WALSHIP_HOME is named by its path there: the packages' caches are
# trained in the staged tree and used where it is installed.
aot_jdk_id() {
  local release= name=$1
  IFS= read -r -d '' release < "$1/release" || true
  case $name in "$2"/*) name=${name#"$2"/} ;; esac
  aot_jdk="$name"$'\n'"$release"
}

# aot_usable CACHE JAR...: whether CACHE can serve a JVM of aot_jdk running with these jars.
aot_usable() {
  local cache=$1 built= f same=false
  shift
  [ -r "$cache" ] && [ -r "$cache.jdk" ] || return 1
  IFS= read -r -d '' built < "$cache.jdk" || true
  [ "$built" = "$aot_jdk" ] || return 1
  for f in "$@"; do
    [ "$f" -nt "$cache.jdk" ] && return 1
    [ "$f" -ot "$cache.jdk" ] || same=true
  done
  $same
}

# aot_spooled [-c F|--config F|--config=F] NAME PATH: whether `walship fetch` will find NAME waiting
# in its read-ahead spool (the configuration is found and read like the Java side does).
aot_spooled() {
  local config name
  spool_command_args "$@" && [ ${#spool_args[@]} -eq 2 ] || return 1
  config=$spool_config name=${spool_args[0]}
  case $name in */*|.*|'') return 1 ;; esac
  [ -n "$config" ] || config=${WALSHIP_CONFIG:-/etc/walship/walship.conf}
  spool_dir_of "$config" && [ "${ini_values[prefetch]:-}" != 0 ] && [ -f "$spool_dir/$name" ]
}

# aot_write LAUNCHER JAVA OPTION...: `walship aot-cache` for the jars in ${jars[@]}. Trains both caches
# in turn with that command line (the one the launcher runs commands with), the network one against a
# receiver that LAUNCHER starts, and stamps each. The JVM's own report is shown only when a training fails.
aot_write() {
  local launcher=$1 cache training tmp log wrote= newest=${jars[0]} f
  shift
  for f in "${jars[@]}"; do
    [ "$f" -nt "$newest" ] && newest=$f
  done
  log=$(mktemp "${TMPDIR:-/tmp}/walship-aot-cache.XXXXXX")
  for cache in "$aot_network" "$aot_light"; do
    training=(--launcher "$launcher") tmp=$cache.$$.tmp
    [ "$cache" = "$aot_light" ] && training=(--light)
    rm -f "$cache.jdk"
    # The training's own main, above the agent side's: it runs walship's commands in this JVM.
    if ! "$1" -XX:AOTCacheOutput="$tmp" "${@:2}" io.walship.agent.aot.AotTrainingCommand "${training[@]}" \
        >"$log" 2>&1 || ! [ -s "$tmp" ]; then
      cat "$log" >&2
      rm -f "$log" "$tmp" "$tmp.config"
      echo "walship: could not write $cache (the training run's output is above)" >&2
      return 1
    fi
    mv -f "$tmp" "$cache"
    printf '%s' "$aot_jdk" > "$cache.jdk"
    touch -r "$newest" "$cache.jdk"
    wrote+="${wrote:+ and }$cache ($(($(stat -c %s "$cache") / 1000000)) MB)"
  done
  rm -f "$log"
  echo "walship: wrote $wrote; push and fetch now start with them"
}
