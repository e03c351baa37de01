{#- The windows of spec section 2 as one row: W = [w_start, w_end] (N = var('window_days')
    days, a bound param, unless `days` names another SQL integer: the funnel's own N,
    the alerts' 7 days) and R's start (var('retention_days') days). Every model that
    needs a bound reads it from here. -#}
{% macro window_bounds(days=none) -%}
SELECT
    {{ as_of() }} AS w_end,
    {{ days_before_as_of(var('window_days') if days is none else days) }} AS w_start,
    {{ days_before_as_of(var('retention_days')) }} AS r_start
{%- endmacro %}

{#- `column IN ('a', 'b')` for a declared list of values (event types) -#}
{% macro one_of(column, values) -%}
{{ column }} IN ({% for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- CTEs `bounds` (window_bounds) and `spans`, one row: W = [a, b]; h0 = hour(a); whole
    hours [h1, h2); whole days [d1, d2) (instants) = [day1, day2) ('YYYY-MM-DD'); whole
    weeks [w1, w2) (Mondays; none when w1 >= w2). The per-request models read each span
    from the rollup that holds it whole (window_facts, int_window_day_counts). `days`:
    W's length as window_bounds takes it. -#}
{% macro window_spans(days=none) -%}
bounds AS {{ materialized_cte() }} (
    {{ window_bounds(days) }}
),
hours AS {{ materialized_cte() }} (
    SELECT w_start AS a, w_end AS b, {{ hour_of('w_start') }} AS h0, {{ ceil_hour('w_start') }} AS h1,
           {{ hour_of('w_end') }} AS h2
    FROM bounds
),
days AS {{ materialized_cte() }} (
    SELECT hours.*, {{ ceil_day('h1') }} AS d1, {{ day_floor('h2') }} AS d2
    FROM hours
),
spans AS {{ materialized_cte() }} (
    SELECT days.*, {{ utc_day('d1') }} AS day1, {{ utc_day('d2') }} AS day2,
           {{ ceil_week(utc_day('d1')) }} AS w1, {{ week_of(utc_day('d2')) }} AS w2
    FROM days
)
{%- endmacro %}
