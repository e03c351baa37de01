{{ config(materialized='incremental', unique_key='day', indexes=[['day'], ['batch']]) }}
{#- Events per UTC day and event type (the timelines' whole days), from int_events_daily,
    kept up to date incrementally: a batch re-counts the days that hold a daily row
    written since this table's last batch and replaces them whole (a day left empty
    keeps one row of zeros). About a dozen rows a day, so a 90-day timeline reads about
    a thousand rows, not the daily rollup's per-product rows. -#}
WITH
{%- if is_incremental() %}
touched AS {{ materialized_cte() }} (
    SELECT DISTINCT substr(part, 1, 10) AS day
    FROM ({{ touched_partitions(ref('int_events_daily'), 'dpart') }}) AS t
),
days AS (
    SELECT * FROM {{ ref('int_events_daily') }}
    WHERE {{ in_batch('day', 'SELECT day FROM touched') }}
),
{%- else %}
days AS (
    SELECT * FROM {{ ref('int_events_daily') }} WHERE day IS NOT NULL
),
{%- endif %}
counted AS (
    SELECT day, event_type, SUM(events) AS events
    FROM days
    GROUP BY day, event_type
)
SELECT counted.*, (SELECT MAX(batch) FROM {{ ref('int_events_daily') }}) AS batch
FROM counted
{%- if is_incremental() %}
UNION ALL
SELECT t.day, NULL, 0, (SELECT MAX(batch) FROM {{ ref('int_events_daily') }})
FROM touched AS t
WHERE NOT EXISTS (SELECT 1 FROM counted AS c WHERE c.day = t.day)
{%- endif %}
