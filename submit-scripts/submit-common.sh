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
# A -h or --help before "--" prints the calling script's header comment and exits 0.
flipstorm_split_args() {
  FLIPSTORM_APP_ARGS=()
  FLIPSTORM_SUBMIT_ARGS=()
  local rest=0 a
  for a in "$@"; do
    if [[ $rest -eq 0 && "$a" == "--" ]]; then
      rest=1
    elif [[ $rest -eq 0 && ( "$a" == -h || "$a" == --help ) ]]; then
      sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
      exit 0
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

# The campaign's arguments, CONFIG [CONFIG...] [--set KEY=VALUE ...], split into FLIPSTORM_CONFIGS
# and FLIPSTORM_SETS (each "--set" with its value); exits 2 naming a config that does not exist or
# an argument that is neither. Call it before any build, so a typo costs no time.
flipstorm_campaign_args() {
  FLIPSTORM_CONFIGS=()
  FLIPSTORM_SETS=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --set)
        [[ $# -ge 2 ]] || { echo "--set needs KEY=VALUE, e.g. --set campaign.seed=7" >&2; exit 2; }
        FLIPSTORM_SETS+=(--set "$2")
        shift 2
        ;;
      --set=*) FLIPSTORM_SETS+=(--set "${1#--set=}"); shift ;;
      -*) echo "unknown campaign option '$1'; expected CONFIG [CONFIG...] [--set KEY=VALUE ...]" >&2; exit 2 ;;
      *)
        [[ -f "$1" ]] || { echo "campaign config $1 does not exist" >&2; exit 2; }
        FLIPSTORM_CONFIGS+=("$1")
        shift
        ;;
    esac
  done
  [[ ${#FLIPSTORM_CONFIGS[@]} -ge 1 ]] \
    || { echo "no campaign config given; expected CONFIG [CONFIG...] [--set KEY=VALUE ...]" >&2; exit 2; }
}

# For a driver that runs in a container (YARN cluster mode, Kubernetes), where the files a config
# includes are not: each of FLIPSTORM_CONFIGS (flipstorm_campaign_args) becomes one self-contained
# file of the same name in directory $2, written by the `config` command of job jar $1 (includes
# inlined, FLIPSTORM_SETS applied, keys and values checked here, before anything is submitted).
# Sets FLIPSTORM_SHIPPED (those files, for --files) and FLIPSTORM_SHIPPED_ARGS (their names: the
# driver's arguments). Exits 2 on a bad config.
flipstorm_resolve_configs() {
  local jar="$1" dir="$2" c name
  FLIPSTORM_SHIPPED=()
  FLIPSTORM_SHIPPED_ARGS=()
  for c in "${FLIPSTORM_CONFIGS[@]}"; do
    name="$(basename "$c")"
    [[ "$name" != *,* ]] || { echo "campaign config $c: a comma in its name cannot travel in spark-submit --files" >&2; exit 2; }
    [[ ! -e "$dir/$name" ]] \
      || { echo "two campaign configs are named $name; the driver's directory holds one file per name: rename one" >&2; exit 2; }
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx256m -cp "$jar" org.flipstorm.campaign.ConfigMain "$c" \
      "${FLIPSTORM_SETS[@]}" --out "$dir/$name" || exit 2
    FLIPSTORM_SHIPPED+=("$dir/$name")
    FLIPSTORM_SHIPPED_ARGS+=("$name")
  done
}
