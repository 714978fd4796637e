-- The triggers of coach's writes: the search index (search_docs and its
-- FTS5 table search_text) and the counts of open actions `team` reads
-- (open_action_counts) follow the records, and a kudos outside a session
-- takes its member from the session it is given in.
--
-- They are TEMP: each connection that writes creates them before its
-- first write (src/store/triggers.rs), and they are gone when it closes.
-- Until migration 0020 they were in the file, where every command paid
-- for them: SQLite parses the whole schema when a connection first
-- reads, and these triggers (21 then) were over half of it (2.0 of 3.5 M
-- instructions), 0.3-0.5 ms of a 5 ms read that never fires them.
--
-- Each statement is `CREATE TEMP TRIGGER name ... ON table` with `END;`
-- alone at the end of its last line: triggers.rs reads the name and the
-- table from there.
--
-- The text of the index does not go to search_text from here but to
-- search_staged, a TEMP table (triggers.rs), and from there to
-- search_text in one statement, in rowid order, before the transaction
-- commits (`Tx::flush_search`). FTS5 writes the text it has gathered as a
-- new segment of its index whenever a statement opens a savepoint (each
-- of coach's writes does, for its foreign keys) and whenever a row comes
-- with a smaller rowid than the row before (rowids descend with the
-- date): written from here, each record was a segment of its own, which
-- the index then merged with the others, a third of a feedback import
-- and a seventh of taking in 100 replies. A row of search_docs deleted
-- stages the removal of its text (search_docs_gone).
--
-- Otherwise the same definitions as the migrations up to 0019 left in
-- the file. A write by another program (the sqlite3 shell) does not keep the index
-- or the counts; `coach doctor` finds the difference and `--repair`
-- rebuilds them.

CREATE TEMP TRIGGER open_actions_delete AFTER DELETE ON actions
WHEN old.done_at IS NULL AND old.deleted_at IS NULL
BEGIN
    UPDATE open_action_counts SET open = open - 1, undated = undated - (old.due_at IS NULL)
        WHERE member_id = old.member_id;
END;

CREATE TEMP TRIGGER open_actions_insert AFTER INSERT ON actions
WHEN new.done_at IS NULL AND new.deleted_at IS NULL
BEGIN
    INSERT INTO open_action_counts VALUES (new.member_id, 1, new.due_at IS NULL)
        ON CONFLICT DO UPDATE SET open = open + 1, undated = undated + excluded.undated;
END;

CREATE TEMP TRIGGER open_actions_update AFTER UPDATE OF member_id, due_at, done_at, deleted_at ON actions
WHEN (old.done_at IS NULL AND old.deleted_at IS NULL) OR (new.done_at IS NULL AND new.deleted_at IS NULL)
BEGIN
    UPDATE open_action_counts SET open = open - 1, undated = undated - (old.due_at IS NULL)
        WHERE member_id = old.member_id AND old.done_at IS NULL AND old.deleted_at IS NULL;
    INSERT INTO open_action_counts SELECT new.member_id, 1, new.due_at IS NULL
        WHERE new.done_at IS NULL AND new.deleted_at IS NULL
        ON CONFLICT DO UPDATE SET open = open + 1, undated = undated + excluded.undated;
END;

CREATE TEMP TRIGGER search_actions_delete AFTER DELETE ON actions
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
END;

CREATE TEMP TRIGGER search_actions_insert AFTER INSERT ON actions
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'action', new.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_actions_update AFTER UPDATE OF body, session_id, member_id, deleted_at ON actions
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'action', new.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_feedback_delete AFTER DELETE ON feedback
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
END;

CREATE TEMP TRIGGER search_feedback_insert AFTER INSERT ON feedback
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        VALUES (new.id, 'feedback', new.member_id, new.session_id, new.given_at);
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.comment, concat_ws(' ', new.customer, new.channel), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_feedback_update
AFTER UPDATE OF comment, customer, channel, member_id, session_id, given_at, deleted_at ON feedback
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'feedback', new.member_id, new.session_id, new.given_at
        WHERE new.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.comment, concat_ws(' ', new.customer, new.channel), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER kudos_member_of_session AFTER INSERT ON kudos
    WHEN NEW.member_id IS NULL
BEGIN
    UPDATE kudos SET member_id = (SELECT member_id FROM sessions WHERE id = NEW.session_id)
    WHERE id = NEW.id;
END;

CREATE TEMP TRIGGER search_kudos_delete AFTER DELETE ON kudos
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
END;

CREATE TEMP TRIGGER search_kudos_insert AFTER INSERT ON kudos
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'kudos', s.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL
        UNION ALL
        SELECT new.id, 'kudos', new.member_id, NULL, new.created_at
        WHERE new.session_id IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_kudos_update AFTER UPDATE OF body, session_id, member_id, deleted_at ON kudos
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'kudos', s.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL
        UNION ALL
        SELECT new.id, 'kudos', new.member_id, NULL, new.created_at
        WHERE new.session_id IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_notes_delete AFTER DELETE ON notes
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
END;

CREATE TEMP TRIGGER search_notes_insert AFTER INSERT ON notes
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'note', s.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_notes_update AFTER UPDATE OF body, session_id, deleted_at ON notes
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'note', s.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_qa_delete AFTER DELETE ON qa_reviews
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
END;

CREATE TEMP TRIGGER search_qa_insert AFTER INSERT ON qa_reviews
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        VALUES (new.id, 'qa', new.member_id, new.session_id, new.reviewed_at);
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, coalesce(new.comment, ''), coalesce(new.reviewer, ''), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_qa_update
AFTER UPDATE OF comment, reviewer, member_id, session_id, reviewed_at, deleted_at ON qa_reviews
BEGIN
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'qa', new.member_id, new.session_id, new.reviewed_at
        WHERE new.deleted_at IS NULL;
    INSERT INTO search_staged (rowid, body, about, tags)
        SELECT rowid, coalesce(new.comment, ''), coalesce(new.reviewer, ''), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;

CREATE TEMP TRIGGER search_docs_gone AFTER DELETE ON search_docs
BEGIN
    INSERT INTO search_staged (rowid, gone, written) VALUES (old.rowid, 1, 0)
        ON CONFLICT (rowid) DO UPDATE SET gone = 1, written = 0, body = NULL, about = NULL, tags = NULL;
END;

CREATE TEMP TRIGGER search_docs_in_date_order AFTER INSERT ON search_docs
BEGIN
    UPDATE search_docs SET rowid = CASE
        WHEN unixepoch(new.at) IS NULL THEN (
            SELECT max(coalesce(max(rowid), 0) + 1, 6917529027641081857)
            FROM search_docs WHERE rowid <> new.rowid)
        ELSE (
            SELECT coalesce(min(rowid), 4611686018427387904 - unixepoch(new.at) * 1048576) - 1
            FROM search_docs
            WHERE rowid >= 4611686018427387904 - (unixepoch(new.at) + 1) * 1048576
              AND rowid < 4611686018427387904 - unixepoch(new.at) * 1048576
              AND rowid <> new.rowid)
        END
    WHERE rowid = new.rowid;
END;

CREATE TEMP TRIGGER search_sessions_update AFTER UPDATE OF held_at, member_id, deleted_at ON sessions
BEGIN
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
    INSERT INTO search_staged (rowid, body, about, tags) SELECT * FROM (
        SELECT d.rowid, n.body, '', 'm' || d.member_id || ' k' || d.kind FROM search_docs d JOIN notes n ON n.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'note'
        UNION ALL
        SELECT d.rowid, k.body, '', 'm' || d.member_id || ' k' || d.kind FROM search_docs d JOIN kudos k ON k.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'kudos'
        UNION ALL
        SELECT d.rowid, a.body, '', 'm' || d.member_id || ' k' || d.kind FROM search_docs d JOIN actions a ON a.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'action') WHERE true
        ON CONFLICT (rowid) DO UPDATE SET written = 1, body = excluded.body, about = excluded.about, tags = excluded.tags;
END;
