complete --keep-order --exclusive --command coach --arguments "(COMPLETE=fish coach -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
