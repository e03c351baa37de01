{#- session_stats: over every event in W, whatever its type -#}
SELECT
    COUNT(DISTINCT session_id) AS unique_sessions,
    {{ ratio_half_up('COUNT(*)', 'COUNT(DISTINCT session_id)', 1) }} AS avg_events_per_session,
    COUNT(DISTINCT CASE WHEN event_type = 'purchase' THEN session_id END) AS sessions_with_purchase
FROM {{ ref('stg_events') }}
WHERE in_window = 1
