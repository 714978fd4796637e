-- `coach search` ranks the newest matches of a query (src/search.rs), so
-- the index is kept in date order: the id of a search_docs row (and of its
-- search_text row) is its date (`at`) in seconds since 1970 times 2^20,
-- plus its place among the rows of that same second, in the order they
-- were indexed. FTS5 then reads the matches of a word newest first and
-- stops where it is told to, and `--since` is a range of ids.
--
-- Until now the ids were given in the order rows were indexed: the index
-- that 0011 built for an earlier file held every note before every kudos,
-- action, feedback and QA review, whatever their dates, and a moved
-- session or an imported record got the newest ids. The rows already
-- there are renumbered, their words moved over from the index itself.
DROP TABLE IF EXISTS temp.search_renumbered;
CREATE TEMP TABLE search_renumbered AS
    SELECT unixepoch(d.at) * 1048576
             + row_number() OVER (PARTITION BY unixepoch(d.at) ORDER BY d.rowid) - 1 AS id,
           d.record_id, d.kind, d.member_id, d.session_id, d.at,
           t.rowid IS NOT NULL AS indexed, t.body, t.about
    FROM search_docs d LEFT JOIN search_text t ON t.rowid = d.rowid;

DROP TABLE IF EXISTS search_text;
CREATE VIRTUAL TABLE search_text USING fts5 (
    body, about,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
DELETE FROM search_docs;
INSERT INTO search_docs (rowid, record_id, kind, member_id, session_id, at)
    SELECT id, record_id, kind, member_id, session_id, at
    FROM temp.search_renumbered ORDER BY id;
INSERT INTO search_text (rowid, body, about)
    SELECT d.rowid, r.body, r.about
    FROM temp.search_renumbered r JOIN search_docs d ON d.record_id = r.record_id
    WHERE r.indexed ORDER BY d.rowid;
DROP TABLE temp.search_renumbered;
-- One segment per word list: inserted in one go, the words of a common
-- word were spread over many small segments, which a search reads side by
-- side, and a lookup of one row walked through them from the start.
INSERT INTO search_text (search_text) VALUES ('optimize');

-- The triggers of 0011 and 0013 insert into search_docs without naming an
-- id (so it is the next after the largest), then index the words under
-- the id they read back: this trigger moves the new row to its place in
-- between. (More than 2^20 rows dated the same second would run into the
-- next second's ids and fail the write.)
CREATE TRIGGER IF NOT EXISTS search_docs_in_date_order AFTER INSERT ON search_docs
WHEN unixepoch(new.at) IS NOT NULL
BEGIN
    UPDATE search_docs SET rowid = (
        SELECT coalesce(max(rowid) + 1, unixepoch(new.at) * 1048576) FROM search_docs
        WHERE rowid >= unixepoch(new.at) * 1048576
          AND rowid < (unixepoch(new.at) + 1) * 1048576
          AND rowid <> new.rowid)
    WHERE rowid = new.rowid;
END;
