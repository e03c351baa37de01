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
