UPDATE members SET name = X'c328' WHERE id = '6e4f4c68821d4eb7bb002a68e9f2a738';
