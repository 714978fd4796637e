-- Saved feedback and QA reviews still in a session deleted before a
-- deleted session's items went back to waiting (issue 13): they wait for
-- the member's next session again, as `session delete` now leaves them.
-- Their dedicated notes went with the session (deleted with its notes).
-- `updated_at` moves, so an import of an older export does not put them
-- back into the deleted session (the newer copy wins).
UPDATE feedback SET session_id = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE deleted_at IS NULL
   AND session_id IN (SELECT id FROM sessions WHERE deleted_at IS NOT NULL);
UPDATE qa_reviews SET session_id = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE deleted_at IS NULL
   AND session_id IN (SELECT id FROM sessions WHERE deleted_at IS NOT NULL);
