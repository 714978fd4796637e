-- Marks the file as coach's: PRAGMA application_id, in the SQLite header
-- (https://www.sqlite.org/fileformat.html#application_id), "COCH" in ASCII
-- (store::APPLICATION_ID). A new file gets it with the other migrations;
-- a file from an earlier coach gets it here. coach refuses, untouched, a
-- SQLite file that carries another program's id or holds another
-- program's tables.
PRAGMA application_id = 1129268040;
