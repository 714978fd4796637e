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

# A template for the recurring check-in: its title and agenda notes.
step template add weekly --title "Weekly check-in" --agenda-file examples/templates/weekly-check-in.md

# During the week: customer feedback and QA reviews saved for the next
# 1:1s, one at a time or in bulk from an export (CSV or JSON Lines).
step save feedback alex --comment "Stayed on the line until my refund cleared" --rating 5 --customer "Ana Silva" --channel phone
step save feedback --from examples/feedback.csv
step save qa --from examples/qa.jsonl
step saved alex

# Before the 1:1: a session started from the template (titled by the kind
# of conversation, the agenda as its first notes), what was saved for it,
# and the talking points from both sides. A script starts it with --no-use
# and names it by id from then on, so it never moves the session you are
# working in (the current one: what commands use when none is named).
session=$(coach session new alex --template weekly --date tomorrow --no-use --once -q)
s=${session:0:8}
step session add-saved --all --session "$s"
step note add --session "$s" "Celebrate the CSAT streak :tada: -- 12 days above target"
step note add --session "$s" --by alex "Wants to talk about the team lead opening"
step note add --session "$s" --private "Seems tired lately; ask about workload first"

# The week's scorecard, attached to the session (coach keeps its own copy,
# so the export can go), with a note dedicated to it.
scorecard=$(mktemp "${TMPDIR:-/tmp}/scorecard.XXXXXX")
printf 'metric,value,target\nCSAT,92,90\nFirst-contact resolution,78,80\nAHT (s),410,360\n' >"$scorecard"
attachment=$(coach attach "$scorecard" --session "$s" --name scorecard.csv --quiet)
rm -f "$scorecard"
step attachment list --session "$s"
step note add --session "$s" --on "${attachment:0:8}" "AHT is 50 s over target: walk through two long calls together"

# Share the agenda so Alex can prepare. With nothing configured it goes to
# the outbox: an .eml file in the folder beside the database (see
# examples/smtp-config.sh to send through a mail server instead).
step session show --as-member --format md "$s"
step share "$s"

# During and after: more notes, from a pipe too.
printf 'Agreed:\n\n- shadow a team lead shift\n- [playbook](https://example.com/playbook)\n' | step note add --session "$s" -

# The numbers: last weeks' export from the BI tool, Alex's scorecard, and
# the full scorecard in this 1:1 (or pick one metric to focus on instead:
# `coach metric add FCR`).
step config set metric.lower-is-better AHT
step metric import examples/metrics.csv
step metric scorecard alex
step metric add --scorecard --session "$s"

# Celebrate, and agree on what happens next: one action for Alex, one for me.
step kudos "12 days above the CSAT target :tada:" --for success --session "$s"
step action add "Shadow a team lead shift" --due +8d --session "$s"
step action add "Send Alex the team lead job description" --owner me --due +2d --session "$s"
# Sent the same afternoon: check it off (the list is by due date).
step action done "$(coach action list --quiet | head -n 1)"

# What I see, and what Alex will see.
step session show "$s"
step session show --as-member "$s"

# After the 1:1: the recap, threaded under the agenda in Alex's mail client.
# Sharing it again says so and sends nothing; `share log` lists every send.
step share --recap "$s"
step share --recap "$s"
step share log
step session list

# A week later: the next check-in starts with what is still open.
next=$(coach session new alex --title "Weekly check-in" --date +8d --no-use --once -q)
step session show "${next:0:8}"
step action list --member alex
step member stream alex

# How Alex is doing over the last months, and who in the team is due for
# a 1:1 (add --html alex.html for a page with charts).
step member trends alex
step team
