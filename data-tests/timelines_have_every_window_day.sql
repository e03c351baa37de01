{#- Every timeline has exactly one row per window day: N + 1 (8 for a 7-day window). -#}
SELECT 'events_timeline' AS model, COUNT(*) AS days
FROM {{ ref('events_timeline') }}
HAVING COUNT(*) <> {{ var('window_days') }} + 1
UNION ALL
SELECT 'errors_timeline' AS model, COUNT(*) AS days
FROM {{ ref('errors_timeline') }}
HAVING COUNT(*) <> {{ var('window_days') }} + 1
