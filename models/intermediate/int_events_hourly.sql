{{ config(materialized='incremental', unique_key='hour', indexes=[['hour'], ['day'], ['batch', 'day']]) }}
{#- Events per UTC hour, kept up to date incrementally: a run re-aggregates only the
    hours that hold rows int_events (re)wrote since this table's last batch (late events
    included), and replaces those hours whole.

    One row per hour, event type, slug, page-view source and the hours of the previous
    events of each distinct key (ph_<key>): a request sums whole hours from here and
    reads only the window's two partial edge hours from int_events (int_window_facts). -#}
{%- set keys = var('distinct_keys') %}
WITH events AS (
{%- if is_incremental() %}
    {{ rows_of_touched_partitions(ref('int_events'), 'hour') | indent(4) }}
{%- else %}
    SELECT * FROM {{ ref('int_events') }} WHERE hour IS NOT NULL
{%- endif %}
)
SELECT
    hour,
    day,
    event_type,
    product_slug,
    CASE WHEN event_type = 'page_view' THEN source END AS source,
    {%- for key in keys %}
    {{ hour_of('prev_' ~ key) }} AS ph_{{ key }},
    {%- endfor %}
    COUNT(*) AS events,
    SUM(quantity) AS units,
    {{ money_total("CASE WHEN event_type = 'purchase' THEN " ~ money_times('unit_price', 'quantity') ~ " END") }} AS revenue,
    MAX(batch) AS batch
FROM events
GROUP BY
    hour,
    day,
    event_type,
    product_slug,
    CASE WHEN event_type = 'page_view' THEN source END
    {%- for key in keys %},
    {{ hour_of('prev_' ~ key) }}
    {%- endfor %}
