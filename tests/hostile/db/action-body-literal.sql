-- An action's body written straight into the database: HTML, brackets,
-- code marks, a pipe, tildes, a hash and quotes, all of which Markdown
-- escapes; an email writes its list from its parts, not parsed back
-- (src/render/task_list.rs).
UPDATE actions
   SET body = '<img src=x onerror=alert(1)> [x] `done` | ~~no~~ #1 "quoted"', owner = 'member'
 WHERE id = '233270be6d534519aae63c7eb739c954';
