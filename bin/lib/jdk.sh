# Sourced by walship's scripts: finds a Java 25 (or newer) home, JAVA_HOME first.

java_major() {
  local release=$1/release line
  [ -r "$release" ] || return 1
  while IFS= read -r line; do
    case $line in JAVA_VERSION=*)
      line=${line#JAVA_VERSION=\"}
      echo "${line%%[.\"]*}"
      return 0 ;;
    esac
  done < "$release"
  return 1
}

# Prints the first JDK home of version 25 or newer; fails when there is none.
find_java_home() {
  local candidate major
  for candidate in "${WALSHIP_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* \
      /usr/lib/jvm/jdk-25* /usr/lib/jvm/*25* /opt/java/openjdk /opt/jdk-25* /usr/local/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$(java_major "$candidate") || continue
    if [ "$major" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

require_java_home() {
  if ! find_java_home; then
    echo "walship: no Java 25 runtime found (checked WALSHIP_JAVA_HOME, JAVA_HOME, /usr/lib/jvm, /opt); install a JDK 25 or set JAVA_HOME to one" >&2
    return 2
  fi
}
