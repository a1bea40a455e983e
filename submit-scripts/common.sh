# Shared by the submit scripts: repository root, JVM options, class paths. Source it; do not run it.
FLIPSTORM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FLIPSTORM_HOME

# Every JVM gets the options in conf/jvm.options (Java 17 opens for Spark, DL4J fast path).
flipstorm_jvm_options() {
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$FLIPSTORM_HOME/conf/jvm.options" | tr '\n' ' '
}

# Builds the modules (no tests, no job jar) so target/classes and the class path files are current.
flipstorm_build() {
  (cd "$FLIPSTORM_HOME" && mvn -q -B -DskipTests -Dflipstorm.shade.skip=true package) || {
    echo "build failed: run 'mvn -B -DskipTests package' in $FLIPSTORM_HOME to see why" >&2
    return 1
  }
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
