UPDATE open_action_counts SET open = 'lots';
