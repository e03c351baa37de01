{#- sales_by_day: purchase events in W per UTC day, days with at least one, ascending -#}
SELECT
    day AS date,
    {{ events() }} AS count
FROM {{ ref('int_window_day_counts') }}
WHERE event_type = 'purchase'
GROUP BY day
HAVING {{ events() }} > 0
ORDER BY day
