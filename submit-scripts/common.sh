# shellcheck shell=bash
# Shared by the submit scripts: repository root, JVM options, class paths. Source it; do not run it.
FLIPSTORM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FLIPSTORM_HOME

# Every JVM gets the options in conf/jvm.options (Java 17 opens for Spark, DL4J fast path).
flipstorm_jvm_options() {
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$FLIPSTORM_HOME/conf/jvm.options" | tr '\n' ' '
}

# Builds the modules (no tests, no job jar) so target/classes and the class path files are current.
flipstorm_build() {
  local log
  log="$(mktemp)"
  if (cd "$FLIPSTORM_HOME" && mvn -q -B -Dstyle.color=never -DskipTests -Dflipstorm.shade.skip=true package) >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -n 30 "$log" >&2
  echo "build failed (the last lines are above; all of them: $log)" >&2
  return 1
}

# Builds only when a pom, source or resource of a module is newer than the last build (or nothing
# was built yet), and says so on stderr. Two launchers started together (e.g. two training
# instances) take turns on a lock: the second waits for the first's build and then finds it current,
# instead of running Maven on the same target/ directories at the same time.
flipstorm_build_if_stale() {
  local lock status=0
  mkdir -p "$FLIPSTORM_HOME/target"
  exec {lock}>"$FLIPSTORM_HOME/target/.flipstorm-build.lock"
  if flock -w 900 "$lock"; then
    flipstorm_build_if_stale_locked || status=1
  else
    echo "flipstorm: another build of this checkout held $FLIPSTORM_HOME/target/.flipstorm-build.lock for 15 minutes; giving up" >&2
    status=1
  fi
  exec {lock}>&-
  return "$status"
}

# The staleness check and build, with the lock held.
flipstorm_build_if_stale_locked() {
  local stamp="$FLIPSTORM_HOME/target/.flipstorm-built" changed=""
  if [[ -f "$stamp" && -s "$FLIPSTORM_HOME/spark-job/target/classpath.txt" \
        && -s "$FLIPSTORM_HOME/analysis/target/classpath.txt" && -s "$FLIPSTORM_HOME/model-zoo/target/classpath.txt" ]]; then
    changed="$(find "$FLIPSTORM_HOME/pom.xml" "$FLIPSTORM_HOME/model-zoo" "$FLIPSTORM_HOME/spark-job" \
      "$FLIPSTORM_HOME/analysis" -name target -prune -o -type f -newer "$stamp" \
      \( -name pom.xml -o -path '*/src/main/*' \) -print -quit)"
    [[ -z "$changed" ]] && return 0
    echo "flipstorm: ${changed#"$FLIPSTORM_HOME"/} is newer than the last build; building (about 30 s)" >&2
  else
    echo "flipstorm: first build of this checkout (mvn package, without tests); this takes a minute or two" >&2
  fi
  # The stamp's time is the build's start: a source saved during the build makes the next run build again.
  touch "$stamp.new"
  flipstorm_build && mv "$stamp.new" "$stamp"
}

# Class path of one module: its classes, its runtime dependencies, and what a cluster would
# provide (Spark, for the job module).
flipstorm_classpath() {
  local module="$FLIPSTORM_HOME/$1" cp
  cp="$module/target/classes:$(cat "$module/target/classpath.txt")"
  if [[ -s "$module/target/provided-classpath.txt" ]]; then
    cp="$cp:$(cat "$module/target/provided-classpath.txt")"
  fi
  echo "$cp"
}

# DL4J/ND4J: one OpenMP thread pool sized to the cores unless the caller chose; large pages cut
# this VM's first-touch page cost (see README, "DL4J speed").
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"

# Local runs bind Spark to loopback (this host name may resolve to another interface).
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
