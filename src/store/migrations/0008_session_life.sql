-- A session's whole life from scripts and cron (issue 13): recaps marked as
-- not needed, dates changed after sending, talking points carried over,
-- kudos outside any session. Same conventions as 0001.

-- `share --skip`: the recap is not needed (a cancelled 1:1, a member
-- without email). A skipped session is no longer pending: neither its
-- recap nor a failed agenda is retried.
ALTER TABLE sessions ADD COLUMN recap_skipped_at TEXT;
ALTER TABLE sessions ADD COLUMN recap_skip_reason TEXT;
-- When the session's date last changed (`session edit --date`): after the
-- agenda or recap was sent, they no longer say the right date.
ALTER TABLE sessions ADD COLUMN date_changed_at TEXT;

-- Sessions still waiting for their recap, by date (share --pending); the
-- index of 0003 also held the skipped ones.
DROP INDEX sessions_recap_pending;
CREATE INDEX sessions_recap_pending ON sessions (held_at)
    WHERE status <> 'recap-sent' AND recap_skipped_at IS NULL AND deleted_at IS NULL;
-- A member's unsent and skipped recaps (`coach team`).
CREATE INDEX sessions_unsent_by_member ON sessions (member_id, held_at)
    WHERE status <> 'recap-sent' AND recap_skipped_at IS NULL AND deleted_at IS NULL;
CREATE INDEX sessions_skipped_by_member ON sessions (member_id)
    WHERE recap_skipped_at IS NOT NULL AND deleted_at IS NULL;

-- `note add --follow-up`: a talking point to take up again in the member's
-- next session. `follow_up_at`: when it was marked (NULL: an ordinary
-- note); `followed_up_in`: the session it was brought into (NULL while it
-- waits).
ALTER TABLE notes ADD COLUMN follow_up_at TEXT;
ALTER TABLE notes ADD COLUMN followed_up_in TEXT REFERENCES sessions(id);
-- The follow-ups still waiting: few, whatever the history.
CREATE INDEX notes_follow_ups_waiting ON notes (session_id)
    WHERE follow_up_at IS NOT NULL AND followed_up_in IS NULL AND deleted_at IS NULL;

-- Kudos outside any session: `coach kudos MEMBER` when the member has no
-- open session within `session.kudos-window` days. A kudos now names its
-- member itself, and its session is optional. SQLite cannot drop a NOT
-- NULL, so the table is rebuilt (its rows copied as they are).
CREATE TABLE kudos_new (
    id          TEXT PRIMARY KEY NOT NULL,
    -- NULL: given outside any session.
    session_id  TEXT REFERENCES sessions(id),
    -- Always set by coach; NULL only in a row imported from an export made
    -- before this migration, which the trigger below fills in at once.
    member_id   TEXT REFERENCES members(id),
    body        TEXT NOT NULL,
    kind        TEXT CHECK (kind IN ('success', 'expertise', 'effort', 'values')),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,
    CHECK (session_id IS NOT NULL OR member_id IS NOT NULL)
);
INSERT INTO kudos_new (id, session_id, member_id, body, kind, author, created_at, updated_at, deleted_at)
    SELECT k.id, k.session_id, s.member_id, k.body, k.kind, k.author, k.created_at, k.updated_at, k.deleted_at
    FROM kudos k JOIN sessions s ON s.id = k.session_id;
DROP TABLE kudos;
ALTER TABLE kudos_new RENAME TO kudos;
CREATE INDEX kudos_by_session ON kudos (session_id) WHERE deleted_at IS NULL;
-- A member's kudos outside sessions, by time (the stream, trends, kudos list).
CREATE INDEX kudos_outside_sessions ON kudos (member_id, created_at)
    WHERE session_id IS NULL AND deleted_at IS NULL;
-- A kudos imported from an older export names its session only: its
-- member is the session's.
CREATE TRIGGER kudos_member_of_session AFTER INSERT ON kudos
    WHEN NEW.member_id IS NULL
BEGIN
    UPDATE kudos SET member_id = (SELECT member_id FROM sessions WHERE id = NEW.session_id)
    WHERE id = NEW.id;
END;
