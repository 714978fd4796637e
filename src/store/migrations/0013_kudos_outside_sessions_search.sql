-- Kudos outside any session (0008) are found by `coach search` too: the
-- kudos triggers of 0011 indexed a kudos through its session only. A
-- kudos without a session is indexed under its member, dated when it was
-- given. Same conventions as 0011.

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
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
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
    INSERT INTO search_text (rowid, body, about)
        SELECT rowid, new.body, '' FROM search_docs WHERE record_id = new.id;
END;

-- The kudos outside sessions already there (imported since 0008).
INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
    SELECT k.id, 'kudos', k.member_id, NULL, k.created_at FROM kudos k
    WHERE k.session_id IS NULL AND k.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.record_id = k.id);
INSERT INTO search_text (rowid, body, about)
    SELECT d.rowid, k.body, '' FROM search_docs d JOIN kudos k ON k.id = d.record_id
    WHERE d.kind = 'kudos' AND d.session_id IS NULL
      AND d.rowid NOT IN (SELECT rowid FROM search_text);
