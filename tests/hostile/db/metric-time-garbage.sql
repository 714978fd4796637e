UPDATE metric_values SET measured_at = '2026-11-01 09:00' WHERE id = '19144c9d41fd4167ad0f732a67befa46';
