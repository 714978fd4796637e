-- How many open actions each member has, kept by triggers, so that `team`
-- answers "open" and "overdue" without stepping through every open action
-- of ten years (issue 14: a default view grows at most 1.2x from one year
-- of records to ten). Overdue = open - undated - those due from today on;
-- the last are a short range of `actions_open_by_member_list` (src/team.rs).
--
-- Derived from `actions` like the search index: not exported, not recorded
-- for undo (putting an action back fires these triggers), and checked and
-- rebuilt by `coach doctor` (src/doctor.rs). An action of a deleted session
-- is still counted here; `team` takes those away (they are few).
CREATE TABLE open_action_counts (
    member_id TEXT PRIMARY KEY NOT NULL,
    open      INTEGER NOT NULL,
    undated   INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO open_action_counts (member_id, open, undated)
    SELECT member_id, count(*), sum(due_at IS NULL) FROM actions
    WHERE done_at IS NULL AND deleted_at IS NULL GROUP BY member_id;

CREATE TRIGGER open_actions_insert AFTER INSERT ON actions
WHEN new.done_at IS NULL AND new.deleted_at IS NULL
BEGIN
    INSERT INTO open_action_counts VALUES (new.member_id, 1, new.due_at IS NULL)
        ON CONFLICT DO UPDATE SET open = open + 1, undated = undated + excluded.undated;
END;

CREATE TRIGGER open_actions_delete AFTER DELETE ON actions
WHEN old.done_at IS NULL AND old.deleted_at IS NULL
BEGIN
    UPDATE open_action_counts SET open = open - 1, undated = undated - (old.due_at IS NULL)
        WHERE member_id = old.member_id;
END;

CREATE TRIGGER open_actions_update AFTER UPDATE OF member_id, due_at, done_at, deleted_at ON actions
WHEN (old.done_at IS NULL AND old.deleted_at IS NULL) OR (new.done_at IS NULL AND new.deleted_at IS NULL)
BEGIN
    UPDATE open_action_counts SET open = open - 1, undated = undated - (old.due_at IS NULL)
        WHERE member_id = old.member_id AND old.done_at IS NULL AND old.deleted_at IS NULL;
    INSERT INTO open_action_counts SELECT new.member_id, 1, new.due_at IS NULL
        WHERE new.done_at IS NULL AND new.deleted_at IS NULL
        ON CONFLICT DO UPDATE SET open = open + 1, undated = undated + excluded.undated;
END;
