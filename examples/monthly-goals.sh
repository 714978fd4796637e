#!/usr/bin/env bash
# A monthly goal-setting 1:1, started from a template.
#
#   examples/monthly-goals.sh                   # on a throw-away database
#   COACH_DB=~/coach-demo.db examples/monthly-goals.sh
#
# The template (examples/templates/monthly-goals.md) gives the session its
# title and its agenda: one shared note per part, so each can be edited or
# removed on its own. The month's scorecard goes in whole, and the goals
# agreed become action items due at the end of next month.
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

# Once: who I am, the member, and the template for monthly goal-setting.
coach init --name "Sam Lee" --email sam@example.com >/dev/null
for who in "Alex Kim:alex@example.com" "Jordan Park:jordan@example.com"; do
  coach member show "${who%%:*}" >/dev/null 2>&1 || coach member add "${who%%:*}" --email "${who#*:}" >/dev/null
done
coach template list --quiet | grep -q . ||
  step template add "monthly goals" --title "Monthly goal-setting" --agenda-file examples/templates/monthly-goals.md

# The month's numbers, as the BI export delivers them (for AHT, lower is better).
coach config set metric.lower-is-better AHT
step metric import examples/metrics.csv

# The session: title and agenda from the template, the full scorecard.
# --no-use: the script names the session by id and never moves the one you
# are working in; --once: run the script again and it is the same session.
session=$(coach session new jordan --template monthly --date "$(date -d 'next monday' +%F) 10:00" --no-use --once -q)
s=${session:0:8}
step metric add --scorecard --session "$s"
step note add --session "$s" --by jordan "Would like to mentor the new hires in January"

# The goals we agree on: specific, measurable, due at the end of next month.
due=$(date -d "$(date +%Y-%m-01) +2 month -1 day" +%F)
step action add "CSAT at or above 4.5 for the month" --due "$due" --session "$s"
step action add "Finish the de-escalation learning path" --due "$due" --session "$s"
step action add "Set up a mentoring slot with the team lead" --owner me --due +7d --session "$s"
step kudos "Best refund explanations on the team this month" --for expertise --session "$s"

# What Jordan gets before the 1:1 (the agenda), as Markdown.
step session show --as-member --format md "$s"
step share "$s"
