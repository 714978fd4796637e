-- Indexes the benchmark (examples/bench) found missing: with them, what a
-- command reads is tied to what it shows, not to the years of history
-- behind it. Same conventions as 0001.

-- `action list --open` (and its --member form, and completion): every open
-- action in the list's order (due date, none last, then as agreed) with
-- every column the list shows, so that the list is read from the index
-- alone, in order, instead of one table row per action scattered over the
-- years. They replace the narrower indexes of open actions.
CREATE INDEX actions_open_list ON actions
    (due_at IS NULL, due_at, created_at, id, session_id, member_id, owner, body,
     updated_at, done_at, deleted_at)
    WHERE done_at IS NULL AND deleted_at IS NULL;
CREATE INDEX actions_open_by_member_list ON actions
    (member_id, due_at IS NULL, due_at, created_at, id, session_id, owner, body,
     updated_at, done_at, deleted_at)
    WHERE done_at IS NULL AND deleted_at IS NULL;
DROP INDEX actions_open;
DROP INDEX actions_open_by_member;

-- A session's date by its id, without reading its row: every action in a
-- list shows the date of the session it was agreed in.
CREATE INDEX sessions_id_date ON sessions (id, held_at, deleted_at);

-- Actions carried over into a session: the member's open actions (above)
-- and those done since the session was created (here), instead of all the
-- member's actions ever agreed.
CREATE INDEX actions_done_by_member ON actions (member_id, done_at)
    WHERE done_at IS NOT NULL AND deleted_at IS NULL;
