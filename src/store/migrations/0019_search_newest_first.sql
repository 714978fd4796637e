-- `coach search` reads the newest matches first and stops at a bound
-- (src/search.rs). FTS5 reads a word's list of rows forward cheaply,
-- skipping ahead to where the other words' lists say; it reads one
-- backward only by loading it whole. With 0016's ids (the date, growing)
-- the newest first was backward: `search refund --kind note` on ten years
-- of notes loaded every note's entry of the tag `knote`, 2.3 MB of pages,
-- for 200 matches. The ids now shrink as the dates grow, so the newest
-- first is the forward order (ORDER BY rowid): 0.2 MB.
--
-- A row dated in second `s` (since 1970) has an id below 2^62 - s * 2^20
-- and at or above 2^62 - (s + 1) * 2^20: each second has 2^20 ids, which
-- it fills downward in the order rows are indexed, so the later of two
-- rows of the same second comes first too. Every date SQLite can read
-- (back to 4714 BC) gives an id between 2^61 and 2^62 + 2^58. A row whose
-- date SQLite cannot read (only a crafted file has one) goes after them
-- all, from 2^62 + 2^61 on, where it is never in a date's way.
DROP TRIGGER IF EXISTS search_docs_in_date_order;

DROP TABLE IF EXISTS temp.search_renumbered;
CREATE TEMP TABLE search_renumbered AS
    SELECT CASE WHEN unixepoch(d.at) IS NULL
               THEN 6917529027641081856 + row_number() OVER (PARTITION BY unixepoch(d.at) ORDER BY d.rowid)
               ELSE 4611686018427387904 - unixepoch(d.at) * 1048576
                    - row_number() OVER (PARTITION BY unixepoch(d.at) ORDER BY d.rowid)
           END AS id,
           d.record_id, d.kind, d.member_id, d.session_id, d.at,
           t.rowid IS NOT NULL AS indexed, t.body, t.about, t.tags
    FROM search_docs d LEFT JOIN search_text t ON t.rowid = d.rowid;

DROP TABLE IF EXISTS search_text;
CREATE VIRTUAL TABLE search_text USING fts5 (
    body, about, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
DELETE FROM search_docs;
INSERT INTO search_docs (rowid, record_id, kind, member_id, session_id, at)
    SELECT id, record_id, kind, member_id, session_id, at
    FROM temp.search_renumbered ORDER BY id;
INSERT INTO search_text (rowid, body, about, tags)
    SELECT d.rowid, r.body, r.about, r.tags
    FROM temp.search_renumbered r JOIN search_docs d ON d.record_id = r.record_id
    WHERE r.indexed ORDER BY d.rowid;
DROP TABLE temp.search_renumbered;
INSERT INTO search_text (search_text) VALUES ('optimize');

-- The triggers that index a record insert into search_docs without naming
-- an id (so it is one more than the largest), then index the words under
-- the id they read back: this trigger moves the new row to its place.
-- (More than 2^20 rows of the same second would run into the next
-- second's ids and fail the write.)
CREATE TRIGGER search_docs_in_date_order AFTER INSERT ON search_docs
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
