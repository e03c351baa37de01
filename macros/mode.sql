{#- count_mode: the spec's "count_mode". total mode counts events, unique mode counts
    distinct sessions. With a condition it counts only the events that satisfy it,
    so one pass can count several event types. -#}
{% macro count_mode(condition=none) -%}
{%- if var('mode') == 'unique' -%}
  {%- if condition is none -%}COUNT(DISTINCT session_id)
  {%- else -%}COUNT(DISTINCT CASE WHEN {{ condition }} THEN session_id END){%- endif -%}
{%- else -%}
  {%- if condition is none -%}COUNT(*)
  {%- else -%}COUNT(CASE WHEN {{ condition }} THEN 1 END){%- endif -%}
{%- endif -%}
{%- endmacro %}
