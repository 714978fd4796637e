-- Replies: what team members answer to an agenda or a recap, taken in by
-- `coach inbox`. Same conventions as 0001 (ids, author, timestamps).
--
-- Only accepted replies are recorded (refused and ignored messages change
-- nothing). A reply's Message-ID is unique: the same message taken twice
-- changes nothing the second time.
CREATE TABLE replies (
    id          TEXT PRIMARY KEY NOT NULL,
    -- The reply's own Message-ID, without angle brackets.
    message_id  TEXT NOT NULL,
    -- The email of coach's it answers (by In-Reply-To or References).
    share_id    TEXT NOT NULL REFERENCES shares(id),
    -- Which email that was: an agenda or a recap. A recap's reply is its
    -- acknowledgement.
    kind        TEXT NOT NULL CHECK (kind IN ('agenda', 'recap')),
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    -- The reply's Date header, no later than when it was taken in.
    sent_at     TEXT NOT NULL,
    -- The member who wrote it (its From address is theirs).
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX replies_by_message ON replies (message_id);
-- A session's replies: its acknowledgement, what came from a reply.
CREATE INDEX replies_by_session ON replies (session_id, kind, sent_at);

-- The email of coach's a reply answers, found by its Message-ID.
CREATE INDEX shares_by_message ON shares (message_id);

-- What a reply wrote: a note (the member's topic or note) or a check-off.
-- Plain columns, not foreign keys: an import brings notes and actions in
-- before replies.
ALTER TABLE notes ADD COLUMN reply_id TEXT;
-- Who checked an action off (a member, from a reply; NULL: the coach), and
-- the reply that did.
ALTER TABLE actions ADD COLUMN done_by TEXT;
ALTER TABLE actions ADD COLUMN done_reply_id TEXT;
-- The check-offs of a reply (session show).
CREATE INDEX actions_by_reply ON actions (done_reply_id) WHERE done_reply_id IS NOT NULL;
