# shellcheck shell=bash
# Shared by the cluster submit scripts: the cluster jar, spark-submit, the executor settings that
# every FlipStorm executor needs. Source it; do not run it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# spark-submit of a Spark 4.1 installation (SPARK_HOME), or fail with what to do.
flipstorm_spark_submit() {
  if [[ -z "${SPARK_HOME:-}" || ! -x "$SPARK_HOME/bin/spark-submit" ]]; then
    echo "SPARK_HOME must point at a Spark 4.1 installation (with bin/spark-submit); got '${SPARK_HOME:-}'" >&2
    return 2
  fi
  "$SPARK_HOME/bin/spark-submit" "$@"
}

# The job jar with everything but Spark, rebuilt when the compiled code is newer than it.
flipstorm_cluster_jar() {
  local jars
  shopt -s nullglob
  jars=("$FLIPSTORM_HOME"/spark-job/target/flipstorm-spark-job-*-cluster.jar)
  if [[ ${#jars[@]} -eq 0 || -n "$(find "$FLIPSTORM_HOME"/spark-job "$FLIPSTORM_HOME"/model-zoo "$FLIPSTORM_HOME"/pom.xml \
        -newer "${jars[0]}" -type f \( -path '*/src/main/*' -o -name pom.xml \) -print -quit 2>/dev/null)" ]]; then
    echo "building the job jar (mvn -DskipTests package)" >&2
    (cd "$FLIPSTORM_HOME" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2 || return 1
    jars=("$FLIPSTORM_HOME"/spark-job/target/flipstorm-spark-job-*-cluster.jar)
  fi
  echo "${jars[0]}"
}

# --conf arguments every FlipStorm submit passes: the JVM options of conf/jvm.options on driver
# and executors, one OpenMP thread per executor core, bounded ND4J off-heap memory.
flipstorm_submit_confs() {
  local opts cores
  opts="$(flipstorm_jvm_options)"
  cores="${FLIPSTORM_EXECUTOR_CORES:-2}"
  printf '%s\n' \
    --conf "spark.driver.extraJavaOptions=$opts" \
    --conf "spark.executor.extraJavaOptions=$opts -Dorg.bytedeco.javacpp.maxbytes=${FLIPSTORM_OFFHEAP:-2g} -Dorg.bytedeco.javacpp.maxphysicalbytes=${FLIPSTORM_PHYSICAL:-6g}" \
    --conf "spark.executor.cores=$cores" \
    --conf "spark.executorEnv.OMP_NUM_THREADS=1" \
    --conf "spark.executor.memory=${FLIPSTORM_EXECUTOR_MEMORY:-2g}" \
    --conf "spark.executor.memoryOverhead=${FLIPSTORM_EXECUTOR_OVERHEAD:-6g}" \
    --conf "spark.task.maxFailures=${FLIPSTORM_TASK_FAILURES:-4}"
}
