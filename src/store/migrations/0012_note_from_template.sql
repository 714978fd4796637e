-- A template's talking point (issue 12): `session new --template` writes
-- the template's agenda as shared notes with `from_template = 1`, and the
-- recap lists those prompts after what was actually noted. Editing such a
-- note makes it the coach's own words: `note edit` clears the flag.
-- NULL (a note imported from an export made before this column) is 0.
ALTER TABLE notes ADD COLUMN from_template INTEGER DEFAULT 0
    CHECK (from_template IN (0, 1));

-- Notes written before this flag existed were told apart by timing: a
-- coach's shared note written with its session (within 20 ms of the
-- session's creation, in the same command) and never edited since. That
-- rule is applied here, once.
UPDATE notes SET from_template = 1
WHERE visibility = 'shared'
  AND deleted_at IS NULL
  AND updated_at = created_at
  AND author NOT IN (SELECT id FROM members)
  AND EXISTS (
    SELECT 1 FROM sessions s
    WHERE s.id = notes.session_id
      AND round((julianday(notes.created_at) - julianday(s.created_at)) * 86400000) >= 0
      AND round((julianday(notes.created_at) - julianday(s.created_at)) * 86400000) < 20
  );
