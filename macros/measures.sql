{#- Named measures of int_window_facts: the one way marts count, so a new metric never
    touches the incremental machinery. `where` is an optional SQL condition on the
    facts' dimensions (event_type, product_slug, source; int_window_day_counts: day, event_type).

    events(where)       how many events
    units(where)        the sum of their quantities
    revenue(where)      the exact sum of price x quantity (money; round with money_round)
    distinct(key, where)  how many distinct values of a declared key (project.yml
                        vars.distinct_keys: session, type, slug, ...) have an event in W
    count_mode(where, key)  the spec's count_mode: events() in total mode, distinct(key)
                        in unique mode (key 'type': distinct sessions per event type) -#}

{% macro events(where=none) %}{{ measure_sum('events', where) }}{% endmacro %}

{% macro units(where=none) %}{{ measure_sum('units', where) }}{% endmacro %}

{% macro revenue(where=none) -%}
{{ money_total('revenue' if where is none else 'CASE WHEN ' ~ where ~ ' THEN revenue END') }}
{%- endmacro %}

{% macro distinct(key, where=none) -%}
{%- if key not in var('distinct_keys') -%}
{{ exceptions.raise_compiler_error("distinct('" ~ key ~ "'): no such key; declare it under vars.distinct_keys in project.yml") }}
{%- endif -%}
{{ measure_sum('first_' ~ key, where) }}
{%- endmacro %}

{% macro count_mode(where=none, key='type') -%}
{{ distinct(key, where) if var('mode') == 'unique' else events(where) }}
{%- endmacro %}

{% macro measure_sum(column, where) -%}
COALESCE(SUM({% if where is none %}{{ column }}{% else %}CASE WHEN {{ where }} THEN {{ column }} ELSE 0 END{% endif %}), 0)
{%- endmacro %}

{#- One row per window day (N + 1, ascending) with the number of events of each type in
    W on that day, 0 when none: the timelines. `facts` is the relation to count
    (int_window_day_counts: day, event_type, events). -#}
{% macro daily_counts(facts, event_types) -%}
WITH days AS (
    {{ timeline_dates() }}
),
counts AS (
    SELECT
        day,
        {%- for t in event_types %}
        {{ events("event_type = '" ~ t ~ "'") }} AS {{ t }}{{ "," if not loop.last }}
        {%- endfor %}
    FROM {{ facts }}
    WHERE {{ one_of('event_type', event_types) }}
    GROUP BY day
)
SELECT
    days.day AS date,
    {%- for t in event_types %}
    COALESCE(counts.{{ t }}, 0) AS {{ t }}{{ "," if not loop.last }}
    {%- endfor %}
FROM days
LEFT JOIN counts ON counts.day = days.day
ORDER BY days.day
{%- endmacro %}
