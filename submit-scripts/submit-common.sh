# shellcheck shell=bash
# Shared by the cluster submit scripts: the cluster jar, spark-submit, the executor settings that
# every FlipStorm executor needs. Source it; do not run it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Exits with what to do unless SPARK_HOME holds a Spark installation: call it before any build.
flipstorm_require_spark() {
  if [[ -z "${SPARK_HOME:-}" || ! -x "$SPARK_HOME/bin/spark-submit" ]]; then
    echo "SPARK_HOME must point at a Spark 4.2 installation (with bin/spark-submit); got '${SPARK_HOME:-}'" >&2
    exit 2
  fi
}

# Splits the script's arguments at the first "--": the campaign's own arguments before it go to
# FLIPSTORM_APP_ARGS, spark-submit options after it to FLIPSTORM_SUBMIT_ARGS (they come before the
# jar, so they may override anything the script sets, e.g. -- --conf spark.executor.memory=4g).
flipstorm_split_args() {
  FLIPSTORM_APP_ARGS=()
  FLIPSTORM_SUBMIT_ARGS=()
  local rest=0 a
  for a in "$@"; do
    if [[ $rest -eq 0 && "$a" == "--" ]]; then
      rest=1
    elif [[ $rest -eq 0 ]]; then
      FLIPSTORM_APP_ARGS+=("$a")
    else
      FLIPSTORM_SUBMIT_ARGS+=("$a")
    fi
  done
}

# spark-submit of SPARK_HOME (checked by flipstorm_require_spark).
flipstorm_spark_submit() {
  "$SPARK_HOME/bin/spark-submit" "$@"
}

# The job jar with everything but Spark: FLIPSTORM_JOB_JAR if set (a jar built elsewhere), else
# target's, rebuilt when a source or pom is newer than it.
flipstorm_cluster_jar() {
  if [[ -n "${FLIPSTORM_JOB_JAR:-}" ]]; then
    [[ -f "$FLIPSTORM_JOB_JAR" ]] || { echo "FLIPSTORM_JOB_JAR $FLIPSTORM_JOB_JAR does not exist" >&2; return 2; }
    echo "$FLIPSTORM_JOB_JAR"
    return 0
  fi
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

# Options every FlipStorm submit passes: conf/spark-defaults.conf (executor memory, cores, threads),
# the JVM options of conf/jvm.options on driver and executors, plus the executor bounds of
# spark-defaults.conf's spark.executor.extraJavaOptions (one place each). FLIPSTORM_EXECUTOR_MEMORY,
# _OVERHEAD, _CORES and FLIPSTORM_TASK_FAILURES override single settings when set; anything else:
# spark-submit options after "--". Optional arguments: more JVM options for the executors ($1) and
# for the driver ($2), e.g. what only a YARN container needs.
flipstorm_submit_confs() {
  local defaults="$FLIPSTORM_HOME/conf/spark-defaults.conf" opts bounds
  opts="$(flipstorm_jvm_options)"
  bounds="$(sed -n 's/^spark\.executor\.extraJavaOptions[[:space:]]*//p' "$defaults")"
  printf '%s\n' --properties-file "$defaults" \
    --conf "spark.driver.extraJavaOptions=$opts${2:+ $2}" \
    --conf "spark.executor.extraJavaOptions=$opts $bounds${1:+ $1}"
  [[ -z "${FLIPSTORM_EXECUTOR_MEMORY:-}" ]] || printf '%s\n' --conf "spark.executor.memory=$FLIPSTORM_EXECUTOR_MEMORY"
  [[ -z "${FLIPSTORM_EXECUTOR_OVERHEAD:-}" ]] \
    || printf '%s\n' --conf "spark.executor.memoryOverhead=$FLIPSTORM_EXECUTOR_OVERHEAD"
  [[ -z "${FLIPSTORM_EXECUTOR_CORES:-}" ]] || printf '%s\n' --conf "spark.executor.cores=$FLIPSTORM_EXECUTOR_CORES"
  printf '%s\n' --conf "spark.task.maxFailures=${FLIPSTORM_TASK_FAILURES:-4}"
}
