{#- events_timeline: one row per window day (8), funnel event counts in W (0 when none) -#}
{%- set types = ['product_view', 'add_to_cart', 'begin_checkout', 'purchase',
                 'checkout_started', 'payment_info_entered', 'order_completed'] %}
WITH days AS (
    {{ window_days() }}
),
counts AS (
    SELECT
        day,
        {%- for t in types %}
        COUNT(CASE WHEN event_type = '{{ t }}' THEN 1 END) AS {{ t }}{{ "," if not loop.last }}
        {%- endfor %}
    FROM {{ ref('stg_events') }}
    WHERE in_window = 1
    GROUP BY day
)
SELECT
    days.day AS date,
    {%- for t in types %}
    COALESCE(counts.{{ t }}, 0) AS {{ t }}{{ "," if not loop.last }}
    {%- endfor %}
FROM days
LEFT JOIN counts ON counts.day = days.day
ORDER BY days.day
