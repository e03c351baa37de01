{#- count_mode: the spec's "count_mode", over the additive facts of stg_window. Total
    mode counts events (the sum of n, i.e. COUNT(*)); unique mode counts distinct
    sessions (the sum of first_<grain>, i.e. COUNT(DISTINCT session_id) per grain):
    `grain` is the key the distinct sessions are counted within: 'type' for a count per
    event type, 'slug' for a count per product. With a condition it counts only the rows
    that satisfy it, so one pass can count several event types. -#}
{% macro count_mode(condition=none, grain='type') -%}
{%- set column = 'first_' ~ grain if var('mode') == 'unique' else 'n' -%}
{%- if condition is none -%}COALESCE(SUM({{ column }}), 0)
{%- else -%}COALESCE(SUM(CASE WHEN {{ condition }} THEN {{ column }} ELSE 0 END), 0){%- endif -%}
{%- endmacro %}

{#- the number of events (whatever the mode) that satisfy a condition -#}
{% macro count_events(condition) -%}
COALESCE(SUM(CASE WHEN {{ condition }} THEN n ELSE 0 END), 0)
{%- endmacro %}
