-- Full-text search (`coach search`): everything the coach wrote or saved,
-- in an FTS5 index kept by triggers. Both tables are local: derived from
-- the records, never exported (src/exchange.rs declares them local).
--
-- search_docs is the map from an index row to its record, with what the
-- filters need (kind, member, date), so a search with --member, --kind or
-- --since never reads the records themselves; its INTEGER PRIMARY KEY is
-- the FTS rowid, which VACUUM keeps. search_text holds the words: `body`
-- (the note, comment, kudos or action) and `about` (a feedback's customer
-- and channel, a QA review's reviewer).
--
-- What is indexed: live records (no tombstone). Notes, kudos and actions
-- of a deleted session are taken out, and come back if the session does
-- (an undo). A record's date (`at`) is its session's date for notes,
-- kudos and actions; a feedback's date given, a QA review's date reviewed.
CREATE TABLE IF NOT EXISTS search_docs (
    rowid      INTEGER PRIMARY KEY,
    record_id  TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('note', 'feedback', 'qa', 'kudos', 'action')),
    member_id  TEXT NOT NULL,
    session_id TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_docs_by_session ON search_docs (session_id) WHERE session_id IS NOT NULL;

-- unicode61 with diacritics removed: "zoe" finds "Zoë". secure-delete:
-- a deleted or edited record's words leave the index at once, not at the
-- next merge, so a removed note's text is not kept in the index.
CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5 (
    body, about,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);

-- Notes --------------------------------------------------------------------
CREATE TRIGGER IF NOT EXISTS search_notes_insert AFTER INSERT ON notes
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'note', s.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS search_notes_delete AFTER DELETE ON notes
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS search_notes_update AFTER UPDATE OF body, session_id, deleted_at ON notes
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'note', s.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;

-- Kudos --------------------------------------------------------------------
CREATE TRIGGER IF NOT EXISTS search_kudos_insert AFTER INSERT ON kudos
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'kudos', s.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS search_kudos_delete AFTER DELETE ON kudos
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS search_kudos_update AFTER UPDATE OF body, session_id, deleted_at ON kudos
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'kudos', s.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;

-- Actions ------------------------------------------------------------------
CREATE TRIGGER IF NOT EXISTS search_actions_insert AFTER INSERT ON actions
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'action', new.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS search_actions_delete AFTER DELETE ON actions
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS search_actions_update AFTER UPDATE OF body, session_id, member_id, deleted_at ON actions
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'action', new.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;

-- Feedback -----------------------------------------------------------------
CREATE TRIGGER IF NOT EXISTS search_feedback_insert AFTER INSERT ON feedback
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        VALUES (new.id, 'feedback', new.member_id, new.session_id, new.given_at);
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.comment, concat_ws(' ', new.customer, new.channel)
        FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS search_feedback_delete AFTER DELETE ON feedback
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS search_feedback_update
AFTER UPDATE OF comment, customer, channel, member_id, session_id, given_at, deleted_at ON feedback
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'feedback', new.member_id, new.session_id, new.given_at
        WHERE new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.comment, concat_ws(' ', new.customer, new.channel)
        FROM search_docs WHERE record_id = new.id;
END;

-- QA reviews ---------------------------------------------------------------
CREATE TRIGGER IF NOT EXISTS search_qa_insert AFTER INSERT ON qa_reviews
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        VALUES (new.id, 'qa', new.member_id, new.session_id, new.reviewed_at);
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, coalesce(new.comment, ''), coalesce(new.reviewer, '')
        FROM search_docs WHERE record_id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS search_qa_delete AFTER DELETE ON qa_reviews
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS search_qa_update
AFTER UPDATE OF comment, reviewer, member_id, session_id, reviewed_at, deleted_at ON qa_reviews
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'qa', new.member_id, new.session_id, new.reviewed_at
        WHERE new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, coalesce(new.comment, ''), coalesce(new.reviewer, '')
        FROM search_docs WHERE record_id = new.id;
END;

-- Sessions: a new date moves the notes, kudos and actions with it; a
-- deleted session takes them out of the index, and brings them back when
-- it is restored.
CREATE TRIGGER IF NOT EXISTS search_sessions_update AFTER UPDATE OF held_at, member_id, deleted_at ON sessions
BEGIN
    DELETE FROM search_text WHERE rowid IN (
        SELECT rowid FROM search_docs
        WHERE session_id = old.id AND kind IN ('note', 'kudos', 'action'));
    DELETE FROM search_docs WHERE session_id = old.id AND kind IN ('note', 'kudos', 'action');
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT id, 'note', new.member_id, new.id, new.held_at FROM notes
        WHERE session_id = new.id AND deleted_at IS NULL AND new.deleted_at IS NULL
        UNION ALL
        SELECT id, 'kudos', new.member_id, new.id, new.held_at FROM kudos
        WHERE session_id = new.id AND deleted_at IS NULL AND new.deleted_at IS NULL
        UNION ALL
        SELECT id, 'action', member_id, new.id, new.held_at FROM actions
        WHERE session_id = new.id AND deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about)
        SELECT d.rowid, n.body, '' FROM search_docs d JOIN notes n ON n.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'note'
        UNION ALL
        SELECT d.rowid, k.body, '' FROM search_docs d JOIN kudos k ON k.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'kudos'
        UNION ALL
        SELECT d.rowid, a.body, '' FROM search_docs d JOIN actions a ON a.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'action';
END;

-- The index of what is already there, built from scratch (the statements
-- above leave what exists alone, so the migration can run again on a file
-- whose version number was set back).
DELETE FROM search_text;
DELETE FROM search_docs;
INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
    SELECT n.id, 'note', s.member_id, s.id, s.held_at
    FROM notes n JOIN sessions s ON s.id = n.session_id
    WHERE n.deleted_at IS NULL AND s.deleted_at IS NULL
    UNION ALL
    SELECT k.id, 'kudos', s.member_id, s.id, s.held_at
    FROM kudos k JOIN sessions s ON s.id = k.session_id
    WHERE k.deleted_at IS NULL AND s.deleted_at IS NULL
    UNION ALL
    SELECT a.id, 'action', a.member_id, s.id, s.held_at
    FROM actions a JOIN sessions s ON s.id = a.session_id
    WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL
    UNION ALL
    SELECT id, 'feedback', member_id, session_id, given_at FROM feedback WHERE deleted_at IS NULL
    UNION ALL
    SELECT id, 'qa', member_id, session_id, reviewed_at FROM qa_reviews WHERE deleted_at IS NULL;
INSERT INTO search_text (rowid, body, about)
    SELECT d.rowid, n.body, '' FROM search_docs d JOIN notes n ON n.id = d.record_id
    WHERE d.kind = 'note'
    UNION ALL
    SELECT d.rowid, k.body, '' FROM search_docs d JOIN kudos k ON k.id = d.record_id
    WHERE d.kind = 'kudos'
    UNION ALL
    SELECT d.rowid, a.body, '' FROM search_docs d JOIN actions a ON a.id = d.record_id
    WHERE d.kind = 'action'
    UNION ALL
    SELECT d.rowid, f.comment, concat_ws(' ', f.customer, f.channel)
    FROM search_docs d JOIN feedback f ON f.id = d.record_id
    WHERE d.kind = 'feedback'
    UNION ALL
    SELECT d.rowid, coalesce(q.comment, ''), coalesce(q.reviewer, '')
    FROM search_docs d JOIN qa_reviews q ON q.id = d.record_id
    WHERE d.kind = 'qa';

-- Undo (`coach undo`): the last 100 write commands, each with the rows it
-- changed, old and new. Local, never exported (src/exchange.rs).
--
-- The rows are written by temporary triggers that each command's
-- connection creates from the schema as it is (src/undo.rs), in the same
-- transaction as the change itself; the derived tables (the search index)
-- and these two are not recorded.

-- One command: what was typed, and when.
CREATE TABLE IF NOT EXISTS undo_commands (
    id    INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    at    TEXT NOT NULL
);

-- One changed row, in the order of the changes. `key` is the row's primary
-- key; `old` and `new` are JSON objects of its columns before and after
-- (NULL for an insert's `old` and a delete's `new`).
CREATE TABLE IF NOT EXISTS undo_rows (
    seq     INTEGER PRIMARY KEY,
    -- The command (undo_commands.id), whose row is written at its end,
    -- only if it changed something; src/store/undo.rs deletes a command's
    -- rows with it (no foreign key: the rows come first).
    command INTEGER NOT NULL,
    tbl     TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    key     NOT NULL,
    old     TEXT,
    new     TEXT
);
CREATE INDEX IF NOT EXISTS undo_rows_by_command ON undo_rows (command, seq);
-- A record's changes (a deleted note's text is erased from all of them).
CREATE INDEX IF NOT EXISTS undo_rows_by_key ON undo_rows (tbl, key);

-- Deleted notes keep no text, in the log either (src/store/undo.rs erases
-- it as notes are deleted): for a file whose version was set back, the
-- log is brought in line with the tombstones that exist.
UPDATE undo_commands
   SET label = 'a command … (a deleted note''s text, erased)'
 WHERE id IN (SELECT r.command FROM undo_rows r JOIN notes n ON n.id = r.key
               WHERE r.tbl = 'notes' AND n.deleted_at IS NOT NULL AND n.body = '(deleted)');
UPDATE undo_rows
   SET old = iif(old IS NULL, NULL, json_set(old, '$.body', '(deleted)')),
       new = iif(new IS NULL, NULL, json_set(new, '$.body', '(deleted)'))
 WHERE tbl = 'notes'
   AND key IN (SELECT id FROM notes WHERE deleted_at IS NOT NULL AND body = '(deleted)');
