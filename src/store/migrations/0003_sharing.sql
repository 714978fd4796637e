-- Sharing: every agenda and recap sent, and the claims that keep two
-- `coach share` processes (say, two cron runs) from sending the same one.
-- Same conventions as 0001 (ids, author, timestamps, tombstones).
--
-- A send is two transactions, never one held open across the network:
--   1. the claim: a row with outcome 'sending', inserted in an IMMEDIATE
--      transaction after checking that nothing was sent and nobody else is
--      sending (the unique index below makes a second claim impossible);
--   2. the outcome: the same row updated to 'sent' (and the session's status
--      moved on) or to 'failed' (the claim is released: the session stays
--      pending and the next run retries it).
-- A claim left at 'sending' by a process that died is stale after 30
-- minutes (src/share.rs, STALE_CLAIM) and is then marked 'failed' by the
-- next run, which claims the work again.
CREATE TABLE shares (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    kind        TEXT NOT NULL CHECK (kind IN ('agenda', 'recap')),
    -- Every envelope recipient (To, then Cc): a JSON array of addresses.
    recipients  TEXT NOT NULL,
    transport   TEXT NOT NULL CHECK (transport IN ('outbox', 'smtp', 'sendmail')),
    -- Without angle brackets; a recap's In-Reply-To is its agenda's.
    message_id  TEXT NOT NULL,
    in_reply_to TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('sending', 'sent', 'failed')),
    -- A failure that may go away by itself (server down, 4xx): retried.
    temporary   INTEGER NOT NULL DEFAULT 0 CHECK (temporary IN (0, 1)),
    -- The server's answer, the .eml path or the sendmail program when sent;
    -- the reason when failed.
    detail      TEXT,
    finished_at TEXT,
    author      TEXT NOT NULL,
    -- When the claim was made (the send started).
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- At most one send of each kind of a session in flight at any time.
CREATE UNIQUE INDEX shares_claim ON shares (session_id, kind) WHERE outcome = 'sending';
-- A session's sends (share log SESSION, "already sent?", the agenda's Message-ID).
CREATE INDEX shares_by_session ON shares (session_id, kind, created_at);
-- All sends, newest first (share log).
CREATE INDEX shares_by_time ON shares (created_at);

-- Sessions whose recap has not been sent, by date (share --recap --pending):
-- stays small however long the history grows.
CREATE INDEX sessions_recap_pending ON sessions (held_at)
    WHERE status <> 'recap-sent' AND deleted_at IS NULL;
