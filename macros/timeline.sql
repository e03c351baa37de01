{#- One row per window day (ascending, always var('window_days') + 1 of them) with the
    number of events of each type in W on that day, 0 when none. Used by the two
    timeline marts. -#}
{% macro daily_event_counts(event_types) -%}
WITH days AS (
    {{ window_days() }}
),
counts AS (
    SELECT
        day,
        {%- for t in event_types %}
        {{ count_events("event_type = '" ~ t ~ "'") }} AS {{ t }}{{ "," if not loop.last }}
        {%- endfor %}
    FROM {{ ref('stg_window') }}
    GROUP BY day
)
SELECT
    days.day AS date,
    {%- for t in event_types %}
    COALESCE(counts.{{ t }}, 0) AS {{ t }}{{ "," if not loop.last }}
    {%- endfor %}
FROM days
LEFT JOIN counts ON counts.day = days.day
ORDER BY days.day
{%- endmacro %}
