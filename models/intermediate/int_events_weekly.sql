{{ config(materialized='incremental', unique_key='wpart', indexes=[['wpart'], ['week'], ['batch']]) }}
{#- int_events_daily summed per week (named by its Monday), event type and product (the
    partition, wpart), kept up to date as the daily rollup is: a batch re-aggregates the
    week partitions that hold a daily row written since this table's last batch (zeros
    included: a partition left empty) and replaces them whole. A request reads the weeks
    W holds whole from here, so a 90-day window reads about 12 weeks and a few days, not
    90 days (issue 10: a 90-day request costs no more than 3x a 7-day one).

    A previous-event instant in the same week collapses to the week's start, as the
    daily rollup collapses the same day's: such an event is never the first of its key
    in a window that holds the whole week. Earlier instants are kept as they are. -#}
{%- set keys = var('distinct_keys') %}
WITH
{%- if is_incremental() %}
touched AS {{ materialized_cte() }} (
    {{ touched_partitions(ref('int_events_daily'), 'wpart') | indent(4) }}
),
days AS (
    SELECT * FROM {{ ref('int_events_daily') }}
    WHERE {{ in_batch('wpart', 'SELECT part FROM touched') }} AND day IS NOT NULL
),
{%- else %}
days AS (
    SELECT * FROM {{ ref('int_events_daily') }} WHERE day IS NOT NULL
),
{%- endif %}
weeks AS (
    SELECT days.*, {{ day_start(week_of('day')) }} AS week_start FROM days
),
collapsed AS (
    SELECT
        wpart,
        {{ week_of('day') }} AS week,
        event_type,
        product_slug,
        source,
        {%- for key in keys %}
        CASE WHEN ph_{{ key }} >= week_start THEN week_start ELSE ph_{{ key }} END AS ph_{{ key }},
        {%- endfor %}
        events,
        units,
        revenue
    FROM weeks
),
rolled AS (
    SELECT
        wpart,
        week,
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
    GROUP BY wpart, week, event_type, product_slug, source{% for key in keys %}, ph_{{ key }}{% endfor %}
)
SELECT rolled.*, (SELECT MAX(batch) FROM {{ ref('int_events_daily') }}) AS batch
FROM rolled
{%- if is_incremental() %}
UNION ALL
SELECT t.part, NULL, NULL, NULL, NULL
       {%- for key in keys %}, NULL{% endfor %}, 0, 0, {{ money_zero() }},
       (SELECT MAX(batch) FROM {{ ref('int_events_daily') }})
FROM touched AS t
WHERE NOT EXISTS (SELECT 1 FROM rolled AS r WHERE r.wpart = t.part)
{%- endif %}
