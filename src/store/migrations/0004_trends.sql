-- Trends and the team overview.
--
-- A member's deleted sessions (tombstones): few, so `coach team` counts a
-- member's open actions from the partial index actions_open_by_member
-- alone (never reading the actions themselves) and takes away those of
-- deleted sessions, found here, instead of looking up the session of
-- every open action.
CREATE INDEX sessions_deleted_by_member ON sessions (member_id) WHERE deleted_at IS NOT NULL;

-- The latest target and unit of a member's metric. A value's target and
-- unit are optional (without them, the latest known ones apply), so
-- finding them walked back through the metric's whole history when they
-- were last given long ago, or never (a CSAT has no unit). Partial: only
-- the values that carry one, so a metric that never has one costs nothing.
CREATE INDEX metric_values_targets ON metric_values (member_id, metric, measured_at, target)
    WHERE target IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX metric_values_units ON metric_values (member_id, metric, measured_at, unit)
    WHERE unit IS NOT NULL AND deleted_at IS NULL;
