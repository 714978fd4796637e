-- Emails people are glad to open (issue 12).
--
-- A member's own time zone (an IANA name such as America/Chicago): every
-- email to them shows its times in it. NULL: the coach's (user.timezone).
ALTER TABLE members ADD COLUMN timezone TEXT;

-- The calendar invite an agenda carried: its start (storage form, UTC) and
-- its SEQUENCE. A resend with a changed date sends SEQUENCE + 1, so the
-- member's calendar updates the same event instead of adding one.
ALTER TABLE shares ADD COLUMN event_start TEXT;
ALTER TABLE shares ADD COLUMN event_sequence INTEGER;
