# Sourced by walship's bash libraries: reads a walship configuration file the way the Java side does
# (io.walship.config.IniFile), so that the launcher never acts on a value Java would read otherwise.
# IniReadersAgreeTest runs both readers over one table of files.

# ini_read FILE SECTION: fills the associative array ini_values with the keys of [SECTION] (lower-cased)
# and their values (inline comments and surrounding blanks dropped). Fails, as IniFile refuses the file,
# on a line that is neither a comment, [section] nor key = value (or key: value), on a key outside any
# section, on a section or a key of one section given twice, and when FILE cannot be read.
ini_read() {
  # Byte by byte, blanks and letters as Java's \s and [A-Za-z] are, whatever the caller's locale.
  local LC_ALL=C file=$1 want=$2 line name current= in_section=false
  local -A sections=() keys=()
  declare -gA ini_values=()
  [ -r "$file" ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line#"${line%%[![:space:]]*}"}
    case $line in ''|\#*|\;*) continue ;; esac
    line=${line%%[[:space:]][#;]*}
    line=${line%"${line##*[![:space:]]}"}
    if [[ $line =~ ^\[([^]]+)\]$ ]]; then
      name=${BASH_REMATCH[1]}
      name=${name#"${name%%[![:space:]]*}"}
      name=${name%"${name##*[![:space:]]}"}
      # Prefixed: a name of blanks only trims to nothing, and bash refuses an empty subscript.
      [ -z "${sections[s$name]+set}" ] || return 1
      sections[s$name]=1 current=$name in_section=true
      continue
    fi
    [[ $line =~ ^([A-Za-z0-9_.-]+)[[:space:]]*[=:][[:space:]]*(.*)$ ]] && $in_section || return 1
    name=${BASH_REMATCH[1],,}
    # No key holds '=', so SECTION=KEY names one key of one section.
    [ -z "${keys[$current=$name]+set}" ] || return 1
    keys[$current=$name]=1
    [ "$current" = "$want" ] && ini_values[$name]=${BASH_REMATCH[2]}
  done < "$file"
  return 0
}
