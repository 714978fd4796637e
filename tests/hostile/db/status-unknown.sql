PRAGMA ignore_check_constraints = ON;
UPDATE sessions SET status = 'archived' WHERE id = '8f67cc887e7043c1bbbfa9d7620a24f3';
