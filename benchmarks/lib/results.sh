# What the benchmark scripts share about their results. Sourced by benchmarks/rss/run and
# benchmarks/store/run.

# quoted_command NAME ARG...: the command line as run, each argument quoted where a shell would need it.
quoted_command() {
  local line=$1 arg
  shift
  for arg in "$@"; do
    case $arg in
      ''|*[!A-Za-z0-9_./,=:+-]*) line+=" '${arg//\'/\'\\\'\'}'" ;;
      *) line+=" $arg" ;;
    esac
  done
  echo "$line"
}

# machine_load: the CPUs and the 1-minute load average, for a result's text (the numbers depend on both).
machine_load() {
  echo "$(nproc) CPUs, load average $(load_average)"
}
load_average() { cut -d' ' -f1 /proc/loadavg; }

# add_result FILE HEADING INTRO RESULT: RESULT at the end of FILE's "## HEADING" section, before the next
# "## " heading; the section, opened by the paragraph INTRO, is added at the end of FILE when missing.
add_result() {
  local file=$1 heading="## $2" intro=$3 result=$4 tmp
  if ! grep -qxF "$heading" "$file" 2>/dev/null; then
    printf '\n%s\n\n%s\n' "$heading" "$intro" >> "$file"
  fi
  tmp=$(mktemp "$file.XXXXXX")
  HEADING=$heading RESULT=$result awk '
    /^## / { if (inside) { print ENVIRON["RESULT"]; print ""; inside = 0 } if ($0 == ENVIRON["HEADING"]) inside = 1 }
    { print }
    END { if (inside) { print ""; print ENVIRON["RESULT"] } }' "$file" > "$tmp" && cat "$tmp" > "$file"
  rm -f "$tmp"
}
