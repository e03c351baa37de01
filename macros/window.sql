{#- The windows of spec section 2 as one row: W = [w_start, w_end] (N = var('window_days')
    days, a bound param) and R's start (var('retention_days') days). Every model that
    needs a bound reads it from here. -#}
{% macro window_bounds() -%}
SELECT
    {{ as_of() }} AS w_end,
    {{ days_before_as_of(var('window_days')) }} AS w_start,
    {{ days_before_as_of(var('retention_days')) }} AS r_start
{%- endmacro %}

{#- `column IN ('a', 'b')` for a declared list of values (event types) -#}
{% macro one_of(column, values) -%}
{{ column }} IN ({% for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
