{{ config(materialized='incremental', unique_key='part',
          indexes=[['part'], ['hour'], ['day'], ['batch', 'dpart'], ['dpart']]) }}
{#- Events per UTC hour, event type and product (the partition, part), then per source
    (every event's: the funnel filters any type by it) and the hours of the previous
    events of each distinct key (ph_<key>): a request sums whole hours from here and
    reads only the window's two partial edge hours from int_events (window_facts).

    Kept up to date incrementally: a batch re-aggregates only the partitions that hold a
    row int_events (re)wrote since this table's last batch, or that such a row left (an
    update, a deletion), and replaces them whole. A partition left empty keeps one row of
    zeros (delete+insert replaces what the batch returns). The cost follows what arrived:
    an event touches its own hour and product, never a whole day. -#}
{%- set keys = var('distinct_keys') %}
WITH
{%- if is_incremental() %}
touched AS {{ materialized_cte() }} (
    {{ touched_partitions(ref('int_events'), 'part', 'was_part') | indent(4) }}
),
events AS (
    SELECT * FROM {{ ref('int_events') }} WHERE {{ in_batch('part', 'SELECT part FROM touched') }}
),
{%- else %}
events AS (
    SELECT * FROM {{ ref('int_events') }} WHERE part IS NOT NULL
),
{%- endif %}
rolled AS (
    SELECT
        part,
        {{ day_partition('part') }} AS dpart,
        hour,
        day,
        event_type,
        product_slug,
        source,
        {%- for key in keys %}
        {{ hour_of('prev_' ~ key) }} AS ph_{{ key }},
        {%- endfor %}
        COUNT(*) AS events,
        SUM(quantity) AS units,
        {{ money_total("CASE WHEN event_type = 'purchase' THEN " ~ money_times('unit_price', 'quantity') ~ " END") }} AS revenue
    FROM events
    GROUP BY
        part,
        hour,
        day,
        event_type,
        product_slug,
        source
        {%- for key in keys %},
        {{ hour_of('prev_' ~ key) }}
        {%- endfor %}
)
SELECT rolled.*, (SELECT MAX(batch) FROM {{ ref('int_events') }}) AS batch
FROM rolled
{%- if is_incremental() %}
UNION ALL
SELECT t.part, {{ day_partition('t.part') }}, NULL, NULL, NULL, NULL, NULL
       {%- for key in keys %}, NULL{% endfor %}, 0, 0, {{ money_zero() }},
       (SELECT MAX(batch) FROM {{ ref('int_events') }})
FROM touched AS t
WHERE NOT EXISTS (SELECT 1 FROM rolled AS r WHERE r.part = t.part)
{%- endif %}
