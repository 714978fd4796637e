-- The triggers leave the file: each connection that writes creates them
-- as TEMP triggers (src/store/triggers.sql, the same definitions), so a
-- read no longer parses them with the schema (over half of its text).
-- From here on, a migration that changes searchable records, or actions,
-- keeps the search index and open_action_counts itself.
DROP TRIGGER IF EXISTS open_actions_delete;
DROP TRIGGER IF EXISTS open_actions_insert;
DROP TRIGGER IF EXISTS open_actions_update;
DROP TRIGGER IF EXISTS search_actions_delete;
DROP TRIGGER IF EXISTS search_actions_insert;
DROP TRIGGER IF EXISTS search_actions_update;
DROP TRIGGER IF EXISTS search_feedback_delete;
DROP TRIGGER IF EXISTS search_feedback_insert;
DROP TRIGGER IF EXISTS search_feedback_update;
DROP TRIGGER IF EXISTS kudos_member_of_session;
DROP TRIGGER IF EXISTS search_kudos_delete;
DROP TRIGGER IF EXISTS search_kudos_insert;
DROP TRIGGER IF EXISTS search_kudos_update;
DROP TRIGGER IF EXISTS search_notes_delete;
DROP TRIGGER IF EXISTS search_notes_insert;
DROP TRIGGER IF EXISTS search_notes_update;
DROP TRIGGER IF EXISTS search_qa_delete;
DROP TRIGGER IF EXISTS search_qa_insert;
DROP TRIGGER IF EXISTS search_qa_update;
DROP TRIGGER IF EXISTS search_docs_in_date_order;
DROP TRIGGER IF EXISTS search_sessions_update;
