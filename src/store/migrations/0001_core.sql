-- The core: settings, local state, members, sessions and notes.
--
-- Conventions for every record table (so that copies can later be exported,
-- imported and merged by id without collisions):
--   id          32 lowercase hex characters, a UUID v4 in its simple form;
--   author      the id of the person who wrote the record (the coach's
--               `user.id`, or a member's id);
--   created_at, updated_at, deleted_at
--               UTC, RFC 3339 with milliseconds ("2026-12-01T09:00:00.000Z"):
--               fixed width, so text order is time order;
--   deleted_at  a tombstone: a deleted record stays, with this set.

-- Settings, like `git config`. Keys are checked by the code (src/config.rs).
CREATE TABLE config (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Local state that is not a setting (the current session).
CREATE TABLE state (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE members (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT,
    team        TEXT,
    archived_at TEXT,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members(id),
    title      TEXT NOT NULL,
    held_at    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'draft'
               CHECK (status IN ('draft', 'agenda-shared', 'recap-sent')),
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
-- A member's sessions by date (session list --member, the latest session).
CREATE INDEX sessions_by_member ON sessions (member_id, held_at) WHERE deleted_at IS NULL;
-- All sessions by date (session list, pending recaps).
CREATE INDEX sessions_by_date ON sessions (held_at) WHERE deleted_at IS NULL;

CREATE TABLE notes (
    id         TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    body       TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('shared', 'private')),
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    -- A private note is visible to its author only, and only the coach
    -- (the database's owner) writes private notes: enforced in code, where
    -- the owner's id is known.
    CHECK (length(body) > 0)
);
CREATE INDEX notes_by_session ON notes (session_id, created_at) WHERE deleted_at IS NULL;
