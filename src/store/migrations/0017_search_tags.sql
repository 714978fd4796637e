-- `coach search --member M --kind K` filters inside FTS5 (src/search.rs):
-- each indexed row gets a third column, `tags`, holding its member and
-- kind as words (`m` + the member's id, `k` + the kind: `m1f0c… knote`),
-- and a filter is one more term of the MATCH (`tags : "m1f0c…"`), so FTS5
-- intersects the word lists instead of a search checking every match of
-- the user's words against search_docs. The user's words are matched in
-- `body` and `about` only (a column filter), so nobody finds a record by
-- typing a tag.
--
-- FTS5 tables cannot gain a column: the index is made again, its rows
-- (ids, body, about) moved over from the old one, the tags read from
-- search_docs. Then every trigger that indexes a row is made again with
-- the tags (the same statements as 0011, 0013 and 0016 otherwise).
DROP TABLE IF EXISTS temp.search_moved;
CREATE TEMP TABLE search_moved AS
    SELECT t.rowid AS id, t.body, t.about, 'm' || d.member_id || ' k' || d.kind AS tags
    FROM search_text t JOIN search_docs d ON d.rowid = t.rowid;

DROP TABLE IF EXISTS search_text;
CREATE VIRTUAL TABLE search_text USING fts5 (
    body, about, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
INSERT INTO search_text (rowid, body, about, tags)
    SELECT id, body, about, tags FROM temp.search_moved ORDER BY id;
DROP TABLE temp.search_moved;
INSERT INTO search_text (search_text) VALUES ('optimize');

DROP TRIGGER IF EXISTS search_notes_insert;
CREATE TRIGGER search_notes_insert AFTER INSERT ON notes
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'note', s.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_notes_update;
CREATE TRIGGER search_notes_update AFTER UPDATE OF body, session_id, deleted_at ON notes
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'note', s.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_actions_insert;
CREATE TRIGGER search_actions_insert AFTER INSERT ON actions
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'action', new.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_actions_update;
CREATE TRIGGER search_actions_update AFTER UPDATE OF body, session_id, member_id, deleted_at ON actions
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'action', new.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_feedback_insert;
CREATE TRIGGER search_feedback_insert AFTER INSERT ON feedback
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        VALUES (new.id, 'feedback', new.member_id, new.session_id, new.given_at);
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.comment, concat_ws(' ', new.customer, new.channel), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_feedback_update;
CREATE TRIGGER search_feedback_update
AFTER UPDATE OF comment, customer, channel, member_id, session_id, given_at, deleted_at ON feedback
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'feedback', new.member_id, new.session_id, new.given_at
        WHERE new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.comment, concat_ws(' ', new.customer, new.channel), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_qa_insert;
CREATE TRIGGER search_qa_insert AFTER INSERT ON qa_reviews
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        VALUES (new.id, 'qa', new.member_id, new.session_id, new.reviewed_at);
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, coalesce(new.comment, ''), coalesce(new.reviewer, ''), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_qa_update;
CREATE TRIGGER search_qa_update
AFTER UPDATE OF comment, reviewer, member_id, session_id, reviewed_at, deleted_at ON qa_reviews
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'qa', new.member_id, new.session_id, new.reviewed_at
        WHERE new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, coalesce(new.comment, ''), coalesce(new.reviewer, ''), 'm' || member_id || ' k' || kind
        FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_sessions_update;
CREATE TRIGGER search_sessions_update AFTER UPDATE OF held_at, member_id, deleted_at ON sessions
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
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT d.rowid, n.body, '', 'm' || d.member_id || ' k' || d.kind FROM search_docs d JOIN notes n ON n.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'note'
        UNION ALL
        SELECT d.rowid, k.body, '', 'm' || d.member_id || ' k' || d.kind FROM search_docs d JOIN kudos k ON k.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'kudos'
        UNION ALL
        SELECT d.rowid, a.body, '', 'm' || d.member_id || ' k' || d.kind FROM search_docs d JOIN actions a ON a.id = d.record_id
        WHERE d.session_id = new.id AND d.kind = 'action';
END;

DROP TRIGGER IF EXISTS search_kudos_insert;
CREATE TRIGGER search_kudos_insert AFTER INSERT ON kudos
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'kudos', s.member_id, s.id, s.held_at
        FROM sessions s WHERE s.id = new.session_id AND s.deleted_at IS NULL
        UNION ALL
        SELECT new.id, 'kudos', new.member_id, NULL, new.created_at
        WHERE new.session_id IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id;
END;

DROP TRIGGER IF EXISTS search_kudos_update;
CREATE TRIGGER search_kudos_update AFTER UPDATE OF body, session_id, member_id, deleted_at ON kudos
BEGIN
    DELETE FROM search_text WHERE rowid = (SELECT rowid FROM search_docs WHERE record_id = old.id);
    DELETE FROM search_docs WHERE record_id = old.id;
    INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
        SELECT new.id, 'kudos', s.member_id, s.id, s.held_at
        FROM sessions s
        WHERE s.id = new.session_id AND s.deleted_at IS NULL AND new.deleted_at IS NULL
        UNION ALL
        SELECT new.id, 'kudos', new.member_id, NULL, new.created_at
        WHERE new.session_id IS NULL AND new.deleted_at IS NULL;
    INSERT INTO search_text (rowid, body, about, tags)
        SELECT rowid, new.body, '', 'm' || member_id || ' k' || kind FROM search_docs WHERE record_id = new.id;
END;
