{{ config(materialized='incremental', unique_key='hour', tags=['staging'],
          indexes=[['hour'], ['day'], ['batch', 'day']]) }}
{#- Events per UTC hour, kept up to date incrementally: a run re-aggregates only the
    hours that hold rows int_events (re)wrote since this table's last batch (late events
    included), and replaces those hours whole.

    One row per hour, event type, slug, page_view source and the hours of the three
    previous-event instants (int_events): a request sums whole hours from here and reads
    only the window's two partial edge hours from int_events (stg_window). -#}
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
    {{ hour_of('prev_session') }} AS ph_session,
    {{ hour_of('prev_type') }} AS ph_type,
    {{ hour_of('prev_slug') }} AS ph_slug,
    COUNT(*) AS n,
    SUM(quantity) AS units,
    {{ money_sum("CASE WHEN event_type = 'purchase' THEN unit_price ELSE 0 END", 'quantity') }} AS revenue,
    MAX(batch) AS batch
FROM events
GROUP BY
    hour,
    day,
    event_type,
    product_slug,
    CASE WHEN event_type = 'page_view' THEN source END,
    {{ hour_of('prev_session') }},
    {{ hour_of('prev_type') }},
    {{ hour_of('prev_slug') }}
