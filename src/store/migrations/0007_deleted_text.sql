-- Deleted notes keep their id, not their text (note::DELETED_BODY): the
-- tombstones of earlier versions lose theirs, and the notes of deleted
-- sessions are deleted with them. With PRAGMA secure_delete on (set on
-- every connection), the old text is overwritten in the file.
UPDATE notes
   SET deleted_at = (SELECT s.deleted_at FROM sessions s WHERE s.id = notes.session_id),
       updated_at = (SELECT s.deleted_at FROM sessions s WHERE s.id = notes.session_id)
 WHERE deleted_at IS NULL
   AND session_id IN (SELECT id FROM sessions WHERE deleted_at IS NOT NULL);
UPDATE notes SET body = '(deleted)' WHERE deleted_at IS NOT NULL;
