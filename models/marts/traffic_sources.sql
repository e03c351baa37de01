{#- traffic_sources: each session with a page_view in W, credited to the source of its
    first page_view in W (earliest instant, then lowest id): first_type marks that event -#}
SELECT
    source,
    SUM(first_type) AS sessions
FROM {{ ref('stg_window') }}
WHERE event_type = 'page_view'
GROUP BY source
HAVING SUM(first_type) > 0
ORDER BY SUM(first_type) DESC, {{ sort_key('source') }}
