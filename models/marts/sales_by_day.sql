{#- sales_by_day: purchase events in W per UTC day, days with at least one, ascending -#}
SELECT
    day AS date,
    SUM(n) AS count
FROM {{ ref('stg_window') }}
WHERE event_type = 'purchase'
GROUP BY day
HAVING SUM(n) > 0
ORDER BY day
