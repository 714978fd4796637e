-- Digests (issue 11): a team member's stream and trends, emailed to them
-- by `coach share --digest`. A digest belongs to a member, not to a
-- session, so it has its own table; the steps are those of `shares`
-- (0003): a claim row with outcome 'sending', inserted in an IMMEDIATE
-- transaction, then 'sent' or 'failed' (which releases the claim).
CREATE TABLE digests (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members(id),
    -- The window it covers: from `since` to `until` (when it was built).
    -- The next digest starts where the last one sent ends.
    since       TEXT NOT NULL,
    until       TEXT NOT NULL,
    -- Every envelope recipient: a JSON array of addresses.
    recipients  TEXT NOT NULL,
    transport   TEXT NOT NULL CHECK (transport IN ('outbox', 'smtp', 'sendmail')),
    -- Without angle brackets; carries a random token, so that a reply to
    -- it can be told from a forgery (`coach inbox`).
    message_id  TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('sending', 'sent', 'failed')),
    temporary   INTEGER NOT NULL DEFAULT 0 CHECK (temporary IN (0, 1)),
    -- Sent: the server's answer or the .eml path; failed: the reason;
    -- sending: the process making it.
    detail      TEXT,
    finished_at TEXT,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- At most one digest of a member in flight: two runs send it once.
CREATE UNIQUE INDEX digests_claim ON digests (member_id) WHERE outcome = 'sending';
-- A member's digests, the last one sent (the next window, --pending).
CREATE INDEX digests_by_member ON digests (member_id, created_at);
-- The digest a reply answers.
CREATE INDEX digests_by_message ON digests (message_id);
-- All digests, newest first (share log).
CREATE INDEX digests_by_time ON digests (created_at);

-- Replies to a digest, taken in by `coach inbox`: they check the member's
-- actions off or open them again (actions.done_reply_id names the row).
-- A Message-ID is taken in once, here or in `replies`.
CREATE TABLE digest_replies (
    id          TEXT PRIMARY KEY NOT NULL,
    message_id  TEXT NOT NULL,
    digest_id   TEXT NOT NULL REFERENCES digests(id),
    member_id   TEXT NOT NULL REFERENCES members(id),
    -- The reply's Date header, no earlier than the digest, no later than
    -- when it was taken in.
    sent_at     TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX digest_replies_by_message ON digest_replies (message_id);
