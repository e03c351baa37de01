{{ config(materialized='incremental', unique_key='day', indexes=[['day'], ['batch']]) }}
{#- int_events_hourly summed per UTC day, kept up to date incrementally (the days of the
    hours it rebuilt since this table's last batch). A request reads the days W holds
    whole from here: about 24 times fewer rows than hours.

    A previous-event hour on the same day collapses to the day's start: such an event
    is never the first of its key in a window that holds the whole day. Earlier hours
    are kept as they are (int_window_facts compares them with the hour of W's start). -#}
{%- set keys = var('distinct_keys') %}
WITH hours AS (
{%- if is_incremental() %}
    {{ rows_of_touched_partitions(ref('int_events_hourly'), 'day') | indent(4) }}
{%- else %}
    SELECT * FROM {{ ref('int_events_hourly') }}
{%- endif %}
),
collapsed AS (
    SELECT
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
        revenue,
        batch
    FROM hours
)
SELECT
    day,
    event_type,
    product_slug,
    source,
    {%- for key in keys %}
    ph_{{ key }},
    {%- endfor %}
    SUM(events) AS events,
    SUM(units) AS units,
    {{ money_total('revenue') }} AS revenue,
    MAX(batch) AS batch
FROM collapsed
GROUP BY day, event_type, product_slug, source{% for key in keys %}, ph_{{ key }}{% endfor %}
