#!/usr/bin/env bash
# Bring a week of customer feedback, QA reviews and metrics in from CSV and
# JSON Lines files, the way a BI export or a QA tool delivers them.
#
#   examples/import-csv.sh                      # on a throw-away database
#   COACH_DB=~/coach-demo.db examples/import-csv.sh
#
# Files (in examples/): feedback.csv, qa.jsonl, metrics.csv. Each import is
# all or nothing: one bad row and nothing is saved, with `line N: reason`
# for every bad row; --skip-bad takes the good rows and lists the bad ones.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${COACH:-} ]]; then
  cargo build --quiet --release
  COACH=$PWD/target/release/coach
fi
if [[ -z ${COACH_DB:-} ]]; then
  demo=$(mktemp -d)
  trap 'rm -rf "$demo"' EXIT
  export COACH_DB=$demo/coach.db
fi
coach() { "$COACH" --no-input "$@"; }
step() { printf '\n\033[1m$ coach %s\033[0m\n' "$*"; coach "$@"; }

# The members the files name must exist first.
for who in "Alex Kim:alex@example.com" "Jordan Park:jordan@example.com"; do
  coach member show "${who%%:*}" >/dev/null 2>&1 || coach member add "${who%%:*}" --email "${who#*:}" >/dev/null
done

# Feedback (CSV) and QA reviews (JSON Lines): saved, waiting for the next 1:1.
step save feedback --from examples/feedback.csv
step save qa --from examples/qa.jsonl
step saved

# A file with a bad row: refused whole, every bad row named.
bad=$(mktemp)
printf 'member,date,rating,comment\nAlex Kim,2026-11-20,9,Too many stars\nNobody,2026-11-20,5,Unknown member\n' >"$bad"
if coach save feedback --from "$bad"; then
  echo "expected the bad file to be refused" >&2
  exit 1
fi
rm -f "$bad"

# Metric values over time (CSV); a re-import of the same export changes
# nothing. Targets are minimums, except for the metrics named here.
step config set metric.lower-is-better AHT
step metric import examples/metrics.csv
step metric import examples/metrics.csv
step metric scorecard alex

# From a pipe too: a script's output straight in.
printf '{"member": "Alex Kim", "metric": "CSAT", "value": 4.7, "date": "%s"}\n' "$(date +%F)" |
  step metric import - --format jsonl
