{{ config(materialized='table') }}
{#- Events per UTC day and event type in the N-day window W, built per request: the
    timelines' counts (events_timeline, errors_timeline, sales_by_day). Whole days come
    from int_events_day_counts (a dozen rows a day), the hours around them from
    int_events_hourly, the partial hours at W's two edges from int_events, so a 90-day
    timeline reads about a thousand rows. Days without events have no row here
    (macros/measures.sql daily_counts fills them with zeros). -#}
WITH {{ window_spans() }},
counts AS (
    SELECT r.day, r.event_type, r.events
    FROM spans JOIN {{ ref('int_events_day_counts') }} AS r
      ON r.day >= spans.day1 AND r.day < spans.day2
    WHERE r.event_type IS NOT NULL
{%- for within in ['r.hour >= spans.h1 AND r.hour < spans.d1', 'r.hour >= spans.d2 AND r.hour < spans.h2'] %}
    UNION ALL
    SELECT r.day, r.event_type, r.events
    FROM spans JOIN {{ ref('int_events_hourly') }} AS r ON {{ within }}
{%- endfor %}
{%- for within in ['e.ts >= spans.a AND e.ts < spans.h1', 'e.ts >= spans.h2 AND e.ts <= spans.b'] %}
    UNION ALL
    SELECT e.day, e.event_type, 1
    FROM spans JOIN {{ ref('int_events') }} AS e ON {{ within }}
{%- endfor %}
)
SELECT day, event_type, SUM(events) AS events
FROM counts
GROUP BY day, event_type
