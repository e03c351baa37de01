{#- Incremental rollups replace whole partitions: (UTC hour or day, event type, product).
    A partition key is text, so one indexed column finds it on both engines:
    'YYYY-MM-DD HH|event_type|slug' for an hour, 'YYYY-MM-DD|event_type|slug' for a day. -#}

{% macro hour_partition(ts, event_type='event_type', slug='product_slug') -%}
({{ utc_hour_text(ts) }} || '|' || {{ event_type }} || '|' || COALESCE({{ slug }}, ''))
{%- endmacro %}

{#- the day partition that holds an hour partition -#}
{% macro day_partition(hour_part) -%}
(substr({{ hour_part }}, 1, 10) || substr({{ hour_part }}, 14))
{%- endmacro %}

{#- The partitions of `relation` written after this model's last batch, old and new:
    `column` holds a row's partition now, `was_column` (if any) the one it left. -#}
{% macro touched_partitions(relation, column, was_column=none) -%}
SELECT {{ column }} AS part FROM {{ relation }}
WHERE batch > (SELECT COALESCE(MAX(batch), 0) FROM {{ this }}) AND {{ column }} IS NOT NULL
{%- if was_column %}
UNION
SELECT {{ was_column }} FROM {{ relation }}
WHERE batch > (SELECT COALESCE(MAX(batch), 0) FROM {{ this }}) AND {{ was_column }} IS NOT NULL
{%- endif %}
{%- endmacro %}

{#- `column` among the values a small subquery returns (a batch's ids or sessions), read
    through the column's index. PostgreSQL cannot estimate a CTE's rows (it guessed
    44,445 for 10 arrivals and scanned int_events whole); an array is a parameter it
    plans as a handful of index lookups. -#}
{% macro default__in_batch(column, query) -%}
{{ column }} IN ({{ query }})
{%- endmacro %}
{% macro postgres__in_batch(column, query) -%}
{{ column }} = ANY(ARRAY({{ query }}))
{%- endmacro %}

{#- the week partition ('YYYY-MM-DD|event_type|slug', the week's Monday) that holds a
    day partition -#}
{% macro week_partition(day_part) -%}
({{ week_of('substr(' ~ day_part ~ ', 1, 10)') }} || substr({{ day_part }}, 11))
{%- endmacro %}

{#- An incremental rollup of `below` (a rollup one level down) per longer period: a
    partition `part` (its name in both tables) holds one period, event type and product.
    A batch re-aggregates the partitions holding a row of `below` written since this
    table's last batch and replaces them whole; a partition left empty keeps one row of
    zeros. A previous-event instant at or after the period's start (`period_start`, an
    SQL expression on a row of `below`) collapses to it: such an event is never the first
    of its key in a window that holds the whole period. Earlier instants are kept.
    `period_of` names the period ('YYYY-MM-DD'); `next_part`, if given, is (column, macro)
    for the partition of the level above that a row rolls up into. -#}
{% macro rollup_periods(below, part, period, period_of, period_start, next_part=none) -%}
{%- set keys = var('distinct_keys') %}
WITH
{%- if is_incremental() %}
touched AS {{ materialized_cte() }} (
    {{ touched_partitions(below, part) | indent(4) }}
),
source_rows AS (
    SELECT * FROM {{ below }}
    WHERE {{ in_batch(part, 'SELECT part FROM touched') }} AND day IS NOT NULL
),
{%- else %}
source_rows AS (
    SELECT * FROM {{ below }} WHERE day IS NOT NULL
),
{%- endif %}
periods AS (
    SELECT source_rows.*, {{ period_of }} AS period_name, {{ period_start }} AS period_start
    FROM source_rows
),
collapsed AS (
    SELECT
        {{ part }},
        period_name AS {{ period }},
        event_type,
        product_slug,
        source,
        {%- for key in keys %}
        CASE WHEN ph_{{ key }} >= period_start THEN period_start ELSE ph_{{ key }} END AS ph_{{ key }},
        {%- endfor %}
        events,
        units,
        revenue
    FROM periods
),
rolled AS (
    SELECT
        {{ part }},
        {{ period }},
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
    GROUP BY {{ part }}, {{ period }}, event_type, product_slug, source{% for key in keys %}, ph_{{ key }}{% endfor %}
)
SELECT rolled.*,
       {%- if next_part %} {{ next_part[1]('rolled.' ~ part) }} AS {{ next_part[0] }},{% endif %}
       (SELECT MAX(batch) FROM {{ below }}) AS batch
FROM rolled
{%- if is_incremental() %}
UNION ALL
SELECT t.part, NULL, NULL, NULL, NULL
       {%- for key in keys %}, NULL{% endfor %}, 0, 0, {{ money_zero() }},
       {%- if next_part %} {{ next_part[1]('t.part') }},{% endif %}
       (SELECT MAX(batch) FROM {{ below }})
FROM touched AS t
WHERE NOT EXISTS (SELECT 1 FROM rolled AS r WHERE r.{{ part }} = t.part)
{%- endif %}
{%- endmacro %}
