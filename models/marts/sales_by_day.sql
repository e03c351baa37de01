{#- sales_by_day: purchase events in W per UTC day, days with at least one, ascending -#}
SELECT
    day AS date,
    COUNT(*) AS count
FROM {{ ref('stg_events') }}
WHERE in_window = 1 AND event_type = 'purchase'
GROUP BY day
ORDER BY day
