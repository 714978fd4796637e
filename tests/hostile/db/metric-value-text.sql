UPDATE metric_values SET value = 'high' WHERE id = '19144c9d41fd4167ad0f732a67befa46';
