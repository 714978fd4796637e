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

# During the week: customer feedback and QA reviews saved for the next
# 1:1s, one at a time or in bulk from an export (CSV or JSON Lines).
step save feedback alex --comment "Stayed on the line until my refund cleared" --rating 5 --customer "Ana Silva" --channel phone
step save feedback --from examples/feedback.csv
step save qa --from examples/qa.jsonl
step saved alex

# Before the 1:1: a session titled by the kind of conversation, what was
# saved for it, and the talking points from both sides.
step session new alex --title "Weekly check-in" --date tomorrow
step session add-saved --all
step note add "Celebrate the CSAT streak :tada: -- 12 days above target"
step note add --by alex "Wants to talk about the team lead opening"
step note add --private "Seems tired lately; ask about workload first"

# During and after: more notes, from a pipe too.
printf 'Agreed:\n\n- shadow a team lead shift\n- [playbook](https://example.com/playbook)\n' | step note add -

# What I see, and what Alex will see.
step session show
step session show --as-member
step session list
