{{ config(materialized='incremental', unique_key='dpart', indexes=[['dpart'], ['day'], ['batch'], ['wpart']]) }}
{#- int_events_hourly summed per UTC day, event type and product (the partition, dpart),
    kept up to date incrementally: a batch re-aggregates the day partitions that hold an
    hourly row written since this table's last batch (zeros included: a partition left
    empty), and replaces them whole. A request reads from here the days W holds whole
    outside the whole weeks it holds (int_events_weekly); wpart names the week partition
    a row rolls up into.

    A previous-event hour on the same day collapses to the day's start: such an event
    is never the first of its key in a window that holds the whole day. Earlier hours
    are kept as they are (int_window_facts compares them with the hour of W's start). -#}
{%- set keys = var('distinct_keys') %}
WITH
{%- if is_incremental() %}
touched AS {{ materialized_cte() }} (
    {{ touched_partitions(ref('int_events_hourly'), 'dpart') | indent(4) }}
),
hours AS (
    SELECT * FROM {{ ref('int_events_hourly') }}
    WHERE dpart IN (SELECT part FROM touched) AND day IS NOT NULL
),
{%- else %}
hours AS (
    SELECT * FROM {{ ref('int_events_hourly') }} WHERE day IS NOT NULL
),
{%- endif %}
collapsed AS (
    SELECT
        dpart,
        day,
        event_type,
        product_slug,
        source,
        {%- for key in keys %}
        CASE WHEN ph_{{ key }} >= {{ day_floor('hour') }} THEN {{ day_floor('hour') }}
             ELSE ph_{{ key }} END AS ph_{{ key }},
        {%- endfor %}
        events,
        units,
        revenue
    FROM hours
),
rolled AS (
    SELECT
        dpart,
        day,
        event_type,
        product_slug,
        source,
        {%- for key in keys %}
        ph_{{ key }},
        {%- endfor %}
        SUM(events) AS events,
        SUM(units) AS units,
        {{ money_total('revenue') }} AS revenue
    FROM collapsed
    GROUP BY dpart, day, event_type, product_slug, source{% for key in keys %}, ph_{{ key }}{% endfor %}
)
SELECT rolled.*, {{ week_partition('rolled.dpart') }} AS wpart,
       (SELECT MAX(batch) FROM {{ ref('int_events_hourly') }}) AS batch
FROM rolled
{%- if is_incremental() %}
UNION ALL
SELECT t.part, NULL, NULL, NULL, NULL
       {%- for key in keys %}, NULL{% endfor %}, 0, 0, {{ money_zero() }},
       {{ week_partition('t.part') }}, (SELECT MAX(batch) FROM {{ ref('int_events_hourly') }})
FROM touched AS t
WHERE NOT EXISTS (SELECT 1 FROM rolled AS r WHERE r.dpart = t.part)
{%- endif %}
