UPDATE notes SET id = 'ab' WHERE id = '5a63a8b4b2b54d93bd9d26f29aaf03aa';
