#!/usr/bin/env bash
# Start next week's 1:1 with every active team member, from cron: one
# session per member on DAY at TIME (next Monday, 10:00 by default). The
# line to install is in examples/crontab.
#
#   examples/weekly-sessions.sh                    # your usual database
#   examples/weekly-sessions.sh ~/work/coach.db    # another one (sets COACH_DB)
#   DAY=tomorrow TIME=14:00 TEMPLATE=weekly examples/weekly-sessions.sh
#
# Safe to run again: --once returns a member's session of that day instead
# of starting a second one. --no-use leaves your current session (the one
# `coach note add` writes to) where it is, whatever cron does meanwhile.
# With TEMPLATE, a new session starts from that template (`coach template
# list`). Nothing is ever asked (--no-input).
#
# Prints one line per member. Exit code:
# 0, or coach's own when a session cannot be started (3: fix what it says).
set -euo pipefail

if [[ $# -gt 0 ]]; then
  export COACH_DB=$1
fi
# cron's PATH is minimal: add where `cargo install` and packages put coach.
export PATH="$HOME/.cargo/bin:$HOME/.local/bin:/usr/local/bin:/usr/bin:/bin:$PATH"
COACH=${COACH:-coach}
DAY=${DAY:-$(date -d 'next monday' +%F)}
TIME=${TIME:-10:00}
coach() { "$COACH" --no-input --color never "$@"; }

template=()
if [[ -n ${TEMPLATE:-} ]]; then
  template=(--template "$TEMPLATE")
fi

# The members by id (names may repeat a beginning); one line each:
# "Started 1a2b ..." or, when it already exists, "Using the session of that day: ...".
status=0
while IFS= read -r member; do
  coach session new "$member" --date "$DAY $TIME" --once --no-use "${template[@]}" || status=$?
done < <(coach member list -q)
exit "$status"
