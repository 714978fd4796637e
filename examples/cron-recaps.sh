#!/usr/bin/env bash
# Send every 1:1 email that is due: the recap of every 1:1 held at least
# OLDER_THAN ago (2 hours by default) that has not gone out yet, and every
# agenda whose send failed while its 1:1 is still to come. Meant for cron;
# the line to install is in examples/crontab.
#
#   examples/cron-recaps.sh                    # your usual database
#   examples/cron-recaps.sh ~/work/coach.db    # another one (sets COACH_DB)
#   OLDER_THAN=1d examples/cron-recaps.sh
#
# Safe to run as often as you like, even twice at the same moment: coach
# claims each email in the database before sending it, so each goes out
# once. Nothing is ever asked (--no-input). A recap that will never be sent
# (a cancelled 1:1, a member without email) stops failing once you mark it:
#   coach share --skip SESSION --reason "1:1 cancelled"
#
# Exit code: coach's own, passed through:
#   0   every pending email was sent (or there was nothing to send);
#   75  a temporary failure (mail server down, timed out, busy): those
#       sessions stay pending and the next run retries them;
#   3   something to fix first (a member without an email, a recipient the
#       server refused, wrong settings): `coach share log` says what.
#
# Every run appends its output to COACH_LOG (default
# ~/.local/state/coach/recaps.log). Output that needs you (exit 3 and other
# failures) is also printed, so cron mails it to you; a temporary failure is
# only logged, since the next run retries it.
set -uo pipefail

if [[ $# -gt 0 ]]; then
  export COACH_DB=$1
fi
# cron's PATH is minimal: add where `cargo install` and packages put coach.
export PATH="$HOME/.cargo/bin:$HOME/.local/bin:/usr/local/bin:/usr/bin:/bin:$PATH"
COACH=${COACH:-coach}
OLDER_THAN=${OLDER_THAN:-2h}
log=${COACH_LOG:-${XDG_STATE_HOME:-$HOME/.local/state}/coach/recaps.log}
mkdir -p "$(dirname "$log")"

output=$("$COACH" --no-input --color never share --pending --older-than "$OLDER_THAN" 2>&1)
status=$?

{
  printf '%s share --pending --older-than %s: exit %d\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$OLDER_THAN" "$status"
  if [[ -n $output ]]; then printf '%s\n' "$output"; fi
} >>"$log"

if [[ $status -ne 0 && $status -ne 75 ]]; then
  printf '%s\n' "$output" >&2
fi
exit "$status"
