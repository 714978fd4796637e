ALTER TABLE members DROP COLUMN timezone;
