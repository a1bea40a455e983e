# Shared by the submit scripts: repository root, JVM options, class paths. Source it; do not run it.
FLIPSTORM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FLIPSTORM_HOME

# Every JVM gets the options in conf/jvm.options (Java 17 opens for Spark, DL4J fast path).
flipstorm_jvm_options() {
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$FLIPSTORM_HOME/conf/jvm.options" | tr '\n' ' '
}

# Builds the modules (no tests) so target/classes and target/classpath.txt are current.
flipstorm_build() {
  (cd "$FLIPSTORM_HOME" && mvn -q -B -DskipTests package) || {
    echo "build failed: run 'mvn -B -DskipTests package' in $FLIPSTORM_HOME to see why" >&2
    return 1
  }
}

# Class path of one module: its classes plus its runtime dependencies.
flipstorm_classpath() {
  local module="$FLIPSTORM_HOME/$1"
  echo "$module/target/classes:$(cat "$module/target/classpath.txt")"
}

# DL4J/ND4J: one OpenMP thread pool sized to the cores unless the caller chose; large pages cut
# this VM's first-touch page cost (see README, "DL4J speed").
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"

# Local runs bind Spark to loopback (this host name may resolve to another interface).
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
