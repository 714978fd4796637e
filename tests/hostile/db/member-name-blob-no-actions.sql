UPDATE members SET name = X'c328' WHERE id = '854ba5f7444d4c54bd7f049a1496b8cd';
