#!/usr/bin/env bash
# Configure coach to send agendas and recaps through an SMTP server, then
# show (with --dry-run) the message the next `coach share` would send.
#
#   examples/smtp-config.sh                     # a demo on a throw-away database
#   COACH_DB=~/.local/share/coach/coach.db \
#   SMTP_HOST=smtp.example.com SMTP_USER=sam@example.com \
#   SMTP_PASSWORD_COMMAND='pass show work/smtp' examples/smtp-config.sh
#   SEND=1 SMTP_HOST=127.0.0.1 SMTP_PORT=2525 SMTP_TLS=none examples/smtp-config.sh
#                                               # and send it, to a local test server
#   OUTBOX=1 examples/smtp-config.sh            # back to the outbox (the default)
#
# Settings (environment variables; each becomes a `coach config set`):
#   SMTP_HOST              mail.smtp.host       the server         [smtp.example.com]
#   SMTP_PORT              mail.smtp.port       587 for starttls, 465 for tls  [587]
#   SMTP_TLS               mail.smtp.tls        starttls | tls | none (none: this
#                                               machine only)      [starttls]
#   SMTP_CA_FILE           mail.smtp.ca-file    a PEM CA certificate to trust, for a
#                                               company relay with its own CA
#   SMTP_USER              mail.smtp.username   the login, if the server wants one
#   SMTP_PASSWORD_COMMAND  mail.smtp.password-command
#                                               prints the password: `pass show x`,
#                                               `secret-tool lookup smtp work`,
#                                               `gpg -dq ~/.smtp.gpg`. Never stored
#                                               itself; COACH_SMTP_PASSWORD also works.
#   CC_ME=1                mail.cc-me           send yourself a copy of each email
#
# Without COACH_DB, a throw-away database with a demo coach, member and
# session is used, so the script runs anywhere; nothing is sent unless SEND=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${COACH:-} ]]; then
  cargo build --quiet
  COACH=$PWD/target/debug/coach
fi
coach() { "$COACH" --no-input "$@"; }
step() { printf '\n\033[1m$ coach %s\033[0m\n' "$*" >&2; coach "$@"; }

if [[ -z ${COACH_DB:-} ]]; then
  demo=$(mktemp -d)
  trap 'rm -rf "$demo"' EXIT
  export COACH_DB=$demo/coach.db
  coach init --name "Sam Lee" --email sam@example.com >/dev/null
  coach member add "Alex Kim" --email alex@example.com >/dev/null
  session=$(coach session new alex --title "Weekly check-in" --date tomorrow --no-use --once -q)
  coach note add --session "$session" "Celebrate the CSAT streak" >/dev/null
fi

if [[ -n ${OUTBOX:-} ]]; then
  step config set mail.transport outbox
  exit 0
fi

step config set mail.transport smtp
step config set mail.smtp.host "${SMTP_HOST:-smtp.example.com}"
step config set mail.smtp.port "${SMTP_PORT:-587}"
step config set mail.smtp.tls "${SMTP_TLS:-starttls}"
if [[ -n ${SMTP_CA_FILE:-} ]]; then
  step config set mail.smtp.ca-file "$SMTP_CA_FILE"
fi
if [[ -n ${SMTP_USER:-} ]]; then
  step config set mail.smtp.username "$SMTP_USER"
fi
if [[ -n ${SMTP_PASSWORD_COMMAND:-} ]]; then
  step config set mail.smtp.password-command "$SMTP_PASSWORD_COMMAND"
fi
if [[ -n ${CC_ME:-} ]]; then
  step config set mail.cc-me true
fi

# What the next agenda looks like on the wire. --dry-run needs no server
# and no password, and sends and records nothing. (On your own database:
# the current session's agenda.)
step share --dry-run ${session:+"$session"}

if [[ -n ${SEND:-} ]]; then
  step share ${session:+"$session"}
  step share log
fi
