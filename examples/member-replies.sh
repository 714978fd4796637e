#!/usr/bin/env bash
# The team member takes part from their mail client: the agenda goes out,
# their reply (a topic and a check-off) comes back in through a Maildir,
# the recap goes out and their reply acknowledges it, then their digest
# (stream and trends) goes out and a reply to it checks an action off.
#
#   examples/member-replies.sh          # uses a temporary database
#
# Here the emails go to the outbox folder and the replies are written by
# hand into a Maildir; in real life mbsync, fetchmail or getmail fill the
# Maildir from your mailbox (README: "When your team member replies").
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${COACH:-} ]]; then
  cargo build --quiet --release
  COACH=$PWD/target/release/coach
fi
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
if [[ -z ${COACH_DB:-} ]]; then
  export COACH_DB=$demo/coach.db
fi
coach() { "$COACH" "$@"; }
step() { printf '\n\033[1m$ coach %s\033[0m\n' "$*"; coach "$@"; }

step init --name "Sam Lee" --email sam@example.com
step member add "Alex Kim" --email alex@example.com --team Support
step session new alex --title "Weekly check-in"
step note add "How the new refund macro is going"
step action add "Shadow a team-lead shift"

# The agenda goes out; it lists Alex's open action with its short id.
step share
step session show --as-member --format md
action=$(coach session show --as-member --format md | grep -o '\[ \] [0-9a-f]\{4,\} ' | head -n 1 | cut -d' ' -f3)
agenda_id=$(coach share log --json | grep -o '"message_id": "[^"]*"' | head -n 1 | cut -d'"' -f4)

# Alex answers from Gmail: a topic above the quote and a check-off line.
maildir=$demo/Mail
mkdir -p "$maildir/new" "$maildir/cur" "$maildir/tmp"
cat > "$maildir/new/$(date +%s).M1P$$.example" <<MAIL
From: Alex Kim <alex@example.com>
To: Sam Lee <sam@example.com>
Subject: Re: 1:1 agenda: Weekly check-in
Date: $(date -R)
Message-ID: <reply-1-$$@mail.example.com>
In-Reply-To: <$agenda_id>
References: <$agenda_id>
Content-Type: text/plain; charset=UTF-8

Can we talk about the on-call rota for January?
[x] $action

--
Alex

On Tue, Dec 1, 2026 at 9:00 AM Sam Lee <sam@example.com> wrote:
> # 1:1 agenda: Weekly check-in
> - [ ] $action Shadow a team-lead shift
MAIL

step inbox --maildir "$maildir" --dry-run
step inbox --maildir "$maildir"
ls "$maildir/cur"
step session show
step action list --done

# After the 1:1, the recap goes out; Alex's answer acknowledges it.
step share --recap
recap_id=$(coach share log --json | grep -o '"message_id": "[^"]*"' | head -n 1 | cut -d'"' -f4)
cat > "$maildir/new/$(date +%s).M2P$$.example" <<MAIL
From: Alex Kim <alex@example.com>
To: Sam Lee <sam@example.com>
Subject: Re: 1:1 recap: Weekly check-in
Date: $(date -R)
Message-ID: <reply-2-$$@mail.example.com>
In-Reply-To: <$recap_id>
References: <$agenda_id> <$recap_id>
Content-Type: text/plain; charset=UTF-8

Thanks! Agreed on all of it.

Sent from my iPhone
MAIL
step inbox --maildir "$maildir"
step session show

# Their stream and trends: the digest lists the open action, answerable.
step action add "Write up the refund macro tips" --due +7d
step share --digest alex
digest_id=$(coach share log --json | grep -o '"message_id": "[^"]*"' | head -n 1 | cut -d'"' -f4)
second=$(coach action list --json | grep -o '"short_id": "[^"]*"' | head -n 1 | cut -d'"' -f4)
cat > "$maildir/new/$(date +%s).M3P$$.example" <<MAIL
From: Alex Kim <alex@example.com>
To: Sam Lee <sam@example.com>
Subject: Re: Your 1:1 digest
Date: $(date -R)
Message-ID: <reply-3-$$@mail.example.com>
In-Reply-To: <$digest_id>
References: <$digest_id>
Content-Type: text/plain; charset=UTF-8

done $second

On Wed, Dec 2, 2026 at 7:00 AM Sam Lee <sam@example.com> wrote:
> - [ ] $second Write up the refund macro tips
MAIL
step inbox --maildir "$maildir"
step action list --done
step share log
