{#- traffic_sources: each session with a page_view in W, credited to the source of its
    first page_view in W (earliest instant, then lowest id) -#}
WITH ranked AS (
    SELECT
        session_id,
        source,
        ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY ts, id) AS position
    FROM {{ ref('stg_events') }}
    WHERE in_window = 1 AND event_type = 'page_view'
)
SELECT
    source,
    COUNT(*) AS sessions
FROM ranked
WHERE position = 1
GROUP BY source
ORDER BY COUNT(*) DESC, {{ sort_key('source') }}
