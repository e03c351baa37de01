{#- session_stats: over every event in W, whatever its type -#}
WITH totals AS (
    SELECT
        {{ events() }} AS events,
        {{ distinct('session') }} AS unique_sessions,
        {{ distinct('type', "event_type = 'purchase'") }} AS sessions_with_purchase
    FROM {{ ref('int_window_facts') }}
)
SELECT
    unique_sessions,
    {{ ratio_half_up('events', 'unique_sessions', 1) }} AS avg_events_per_session,
    sessions_with_purchase
FROM totals
