# Sourced by walship's bash libraries: the names in a server's spool directory that the launcher reads,
# as io.walship.agent.spool.SpoolLayout defines them (SpoolLayoutScriptTest holds the two together), and
# where that directory is, as io.walship.agent.config.AgentConfig finds it.
. "${BASH_SOURCE[0]%/*}/ini.sh"

spool_default_root=/var/spool/walship
spool_agent_pid=agent.pid
spool_agent_log=agent.log
spool_held=held
spool_shipped=shipped
# The main class of the agent side (BackgroundProcess.MAIN_CLASS): bin/walship runs it, and a live agent
# is known by it in its command line.
walship_main=io.walship.agent.Walship

# spool_dir_of CONFIG: reads CONFIG's [agent] section into ini_values and sets spool_dir to
# <spool_directory>/<server>, a relative spool_directory taken from CONFIG's directory, an empty or
# absent one being the default. Fails when CONFIG cannot be read or names no usable server.
spool_dir_of() {
  local config=$1 root
  ini_read "$config" agent || return 1
  case ${ini_values[server]:-} in */*|.*|'') return 1 ;; esac
  root=${ini_values[spool_directory]:-$spool_default_root}
  case $root in
    /*) ;;
    *) [[ $config == */* ]] && root=${config%/*}/$root ;;
  esac
  spool_dir=$root/${ini_values[server]}
}
