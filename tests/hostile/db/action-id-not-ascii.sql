UPDATE actions SET id = 'abc' || char(233) || 'x' WHERE id = '233270be6d534519aae63c7eb739c954';
