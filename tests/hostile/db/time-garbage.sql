UPDATE sessions SET held_at = 'next tuesday' WHERE id = '8f67cc887e7043c1bbbfa9d7620a24f3';
