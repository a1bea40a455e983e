#!/usr/bin/env bash
# Times the analysis of a large trial table with embedded DuckDB and records peak memory.
#   submit-scripts/benchmark-analysis.sh [ROWS] [REPORT.md]
# Generates ROWS (default 10,000,000) synthetic trial rows in the campaign schema once (kept in
# target/bench-trials-ROWS), then runs `summary` on them under /usr/bin/time and writes the wall
# time and maximum resident set size to REPORT.md (default target/benchmark-analysis.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
rows="${1:-10000000}"
report="${2:-target/benchmark-analysis.md}"
data="target/bench-trials-$rows"
(mvn -q -B -DskipTests test-compile -pl analysis -am) || { echo "build failed" >&2; exit 1; }
cp="analysis/target/test-classes:analysis/target/classes:$(cat analysis/target/test-classpath.txt)"
if [[ ! -d "$data/trials" ]]; then
  # shellcheck disable=SC2046
  java $(flipstorm_jvm_options) -cp "$cp" org.flipstorm.analysis.bench.SyntheticTrials "$rows" "$data"
fi
size="$(du -sh "$data/trials" | cut -f1)"
timing="$(mktemp)"
trap 'rm -f "$timing"' EXIT
# shellcheck disable=SC2046,SC2086
/usr/bin/time -v java $(flipstorm_jvm_options) ${FLIPSTORM_ANALYSIS_JVM:--Xmx1g} -cp "$cp" \
  org.flipstorm.analysis.SummaryMain "$data" --csv "$data/out/layer_summary.csv" 2> "$timing" | tail -n 3
wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$timing")"
rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing")"
cpu="$(sed -n 's/.*Percent of CPU this job got: //p' "$timing")"
mkdir -p "$(dirname "$report")"
{
  echo "# Analysis benchmark ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| rows | Parquet on disk | summary wall time | peak RSS | CPU |"
  echo "|---:|---:|---:|---:|---:|"
  printf '| %s | %s | %s | %s MiB | %s |\n' "$rows" "$size" "$wall" "$((rss_kb / 1024))" "$cpu"
  echo
  echo "Command: \`summary $data\` (every table, every chart, report.html), JVM ${FLIPSTORM_ANALYSIS_JVM:--Xmx1g}."
} > "$report"
cat "$report"
