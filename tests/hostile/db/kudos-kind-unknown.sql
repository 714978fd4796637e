PRAGMA ignore_check_constraints = ON;
UPDATE kudos SET kind = 'legendary';
