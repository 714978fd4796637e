-- A row of the search index's text that no search_docs row points to,
-- written by another program at the rowid the next note of session 8f67
-- takes (the index's rowids follow the date: one below the lowest of that
-- second). The note's text, staged by the triggers, meets it when it is
-- written to the index before the commit (src/store/triggers.rs).
INSERT INTO search_text (rowid, body, about, tags)
SELECT min(d.rowid) - 1, 'planted', '', ''
  FROM search_docs d JOIN sessions s ON s.held_at = d.at
 WHERE s.id LIKE '8f67%';
