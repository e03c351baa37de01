{#- traffic_sources: each session with a page_view in W, credited to the source of its
    first page_view in W (earliest instant, then lowest id): the first of its
    (session, type) key is that page view -#}
SELECT
    source,
    {{ distinct('type') }} AS sessions
FROM {{ ref('int_window_facts') }}
WHERE event_type = 'page_view'
GROUP BY source
HAVING {{ distinct('type') }} > 0
ORDER BY {{ distinct('type') }} DESC, {{ sort_key('source') }}
