{#- session_stats: over every event in W, whatever its type. first_session counts each
    session once (its first event in W), first_type each session with a purchase once. -#}
WITH totals AS (
    SELECT
        COALESCE(SUM(n), 0) AS events,
        COALESCE(SUM(first_session), 0) AS unique_sessions,
        COALESCE(SUM(CASE WHEN event_type = 'purchase' THEN first_type ELSE 0 END), 0) AS sessions_with_purchase
    FROM {{ ref('stg_window') }}
)
SELECT
    unique_sessions,
    {{ ratio_half_up('events', 'unique_sessions', 1) }} AS avg_events_per_session,
    sessions_with_purchase
FROM totals
