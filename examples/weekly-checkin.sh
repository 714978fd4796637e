#!/usr/bin/env bash
# A complete weekly check-in, from nothing, against a throw-away database.
#
#   examples/weekly-checkin.sh          # uses a temporary database
#   COACH_DB=~/coach-demo.db examples/weekly-checkin.sh
#
# It builds coach if needed, then prepares, holds and records one 1:1 the way
# a team leader would from a shell.
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
coach() { "$COACH" "$@"; }
step() { printf '\n\033[1m$ coach %s\033[0m\n' "$*"; coach "$@"; }

# Who I am, and my team.
step init --name "Sam Lee" --email sam@example.com
step member add "Alex Kim" --email alex@example.com --team Support
step member add "Jordan Park" --email jordan@example.com --team Support

# Before the 1:1: a session titled by the kind of conversation, and the
# talking points from both sides.
step session new alex --title "Weekly check-in" --date tomorrow
step note add "Celebrate the CSAT streak :tada: -- 12 days above target"
step note add --by alex "Wants to talk about the team lead opening"
step note add --private "Seems tired lately; ask about workload first"

# During and after: more notes, from a pipe too.
printf 'Agreed:\n\n- shadow a team lead shift\n- [playbook](https://example.com/playbook)\n' | step note add -

# The numbers: last weeks' export from the BI tool, Alex's scorecard, and
# the full scorecard in this 1:1 (or pick one metric to focus on instead:
# `coach metric add FCR`).
step config set metric.lower-is-better AHT
step metric import examples/metrics.csv
step metric scorecard alex
step metric add --scorecard

# What I see, and what Alex will see.
step session show
step session show --as-member
step session list
