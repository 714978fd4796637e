-- Coaching content: saved feedback and QA reviews, metrics, attachments,
-- kudos, action items, templates, and notes dedicated to one item.
-- Same conventions as 0001 (ids, author, timestamps, tombstones).

-- Customer feedback, saved for a member during the week (session_id NULL:
-- waiting in the context sidebar), then brought into a session.
CREATE TABLE feedback (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members(id),
    session_id  TEXT REFERENCES sessions(id),
    comment     TEXT NOT NULL,
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    customer    TEXT,
    channel     TEXT,
    url         TEXT,
    -- When the customer gave it (--date).
    given_at    TEXT NOT NULL,
    -- Recognition or an opportunity to improve.
    tone        TEXT NOT NULL CHECK (tone IN ('positive', 'improve')),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX feedback_waiting ON feedback (member_id, given_at)
    WHERE session_id IS NULL AND deleted_at IS NULL;
CREATE INDEX feedback_by_session ON feedback (session_id)
    WHERE session_id IS NOT NULL AND deleted_at IS NULL;

-- QA reviews, saved and brought in like feedback.
CREATE TABLE qa_reviews (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members(id),
    session_id  TEXT REFERENCES sessions(id),
    score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    reviewer    TEXT,
    comment     TEXT,
    url         TEXT,
    reviewed_at TEXT NOT NULL,
    tone        TEXT NOT NULL CHECK (tone IN ('positive', 'improve')),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX qa_reviews_waiting ON qa_reviews (member_id, reviewed_at)
    WHERE session_id IS NULL AND deleted_at IS NULL;
CREATE INDEX qa_reviews_by_session ON qa_reviews (session_id)
    WHERE session_id IS NOT NULL AND deleted_at IS NULL;

-- A member's metric values over time (recorded, or imported from a BI export).
CREATE TABLE metric_values (
    id          TEXT PRIMARY KEY NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members(id),
    metric      TEXT NOT NULL,
    value       REAL NOT NULL,
    target      REAL,
    unit        TEXT,
    measured_at TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- The latest value of each metric, and a metric's recent values. Unique:
-- one value per member, metric and instant, so importing the same export
-- twice replaces values instead of doubling them (INSERT ... ON CONFLICT).
CREATE UNIQUE INDEX metric_values_by_member ON metric_values (member_id, metric, measured_at)
    WHERE deleted_at IS NULL;

-- A metric brought into a session: a copy of the value discussed, so the
-- session keeps what was said even if the history is corrected later.
CREATE TABLE session_metrics (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    metric      TEXT NOT NULL,
    value       REAL NOT NULL,
    target      REAL,
    unit        TEXT,
    measured_at TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX session_metrics_by_session ON session_metrics (session_id) WHERE deleted_at IS NULL;

-- Files added to a session; the bytes live once per content in
-- attachments/<sha256> beside the database.
CREATE TABLE attachments (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX attachments_by_session ON attachments (session_id) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_content ON attachments (sha256);

CREATE TABLE kudos (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    body        TEXT NOT NULL,
    -- What is celebrated; NULL for a plain thank-you.
    kind        TEXT CHECK (kind IN ('success', 'expertise', 'effort', 'values')),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX kudos_by_session ON kudos (session_id) WHERE deleted_at IS NULL;

-- Action items. An action is agreed in one session and stays one record:
-- later sessions with the member show it as carried over until it is done.
CREATE TABLE actions (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    member_id   TEXT NOT NULL REFERENCES members(id),
    body        TEXT NOT NULL,
    owner       TEXT NOT NULL CHECK (owner IN ('member', 'coach')),
    due_at      TEXT,
    done_at     TEXT,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX actions_by_session ON actions (session_id) WHERE deleted_at IS NULL;
CREATE INDEX actions_open_by_member ON actions (member_id, due_at)
    WHERE done_at IS NULL AND deleted_at IS NULL;
CREATE INDEX actions_open ON actions (due_at) WHERE done_at IS NULL AND deleted_at IS NULL;
CREATE INDEX actions_by_member ON actions (member_id, created_at) WHERE deleted_at IS NULL;

-- Templates for recurring check-ins: a title and agenda notes.
CREATE TABLE templates (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    agenda      TEXT,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX templates_by_name ON templates (name) WHERE deleted_at IS NULL;

-- A dedicated note is about one item of its session: a session metric, a
-- feedback item, a QA review or an attachment (its id; the kind is found
-- by which table holds it). NULL: the shared notes block.
ALTER TABLE notes ADD COLUMN item_id TEXT;
CREATE INDEX notes_by_item ON notes (item_id) WHERE item_id IS NOT NULL AND deleted_at IS NULL;
