{#- funnel (admin-endpoints section 2): one row per declared step (vars.event_types.
    funnel_steps), in that order, count = distinct sessions among the step's events in
    F that pass the source filter. The filter applies to each event: with source S, a
    session counts when one of its step events came from S (the first of its (session,
    type, source) key in F); 'direct' is the cleaned source of NULL, '' and 'direct'
    (stg_store__events). Without a filter ('') the first of its (session, type) key. -#}
{%- set steps = var('event_types')['funnel_steps'] %}
WITH counts AS (
    SELECT
        event_type,
        {{ distinct('type') }} AS every_source,
        {{ distinct('type_source', 'source = ' ~ var('source')) }} AS one_source
    FROM {{ ref('int_funnel_facts') }}
    GROUP BY event_type
),
steps AS (
{%- for step in steps %}
    SELECT {{ loop.index }} AS position, '{{ step }}' AS step{{ " UNION ALL" if not loop.last }}
{%- endfor %}
)
SELECT
    steps.step,
    COALESCE(CASE WHEN {{ var('source') }} = '' THEN counts.every_source ELSE counts.one_source END, 0) AS count,
    steps.position
FROM steps
LEFT JOIN counts ON counts.event_type = steps.step
ORDER BY steps.position
