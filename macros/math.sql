{#- Exact rounding. Ratios are computed in integers: half-up of a/b to d decimals is
    floor((2·10^d·a + b) / (2·b)) / 10^d for a >= 0, b > 0. No floating point decides. -#}

{% macro sqlite__int_div(a, b) -%}
(CAST({{ a }} AS INTEGER) / CAST({{ b }} AS INTEGER))
{%- endmacro %}

{% macro postgres__int_div(a, b) -%}
DIV(CAST({{ a }} AS NUMERIC), CAST({{ b }} AS NUMERIC))
{%- endmacro %}

{#- a/b rounded half-up to `decimals` places; 0 when b = 0 -#}
{% macro ratio_half_up(a, b, decimals=1) -%}
{%- set k = 10 ** decimals -%}
(CASE WHEN ({{ b }}) = 0 THEN 0.0
      ELSE {{ int_div('2 * ' ~ k ~ ' * (' ~ a ~ ') + (' ~ b ~ ')', '2 * (' ~ b ~ ')') }} / {{ k }}.0 END)
{%- endmacro %}

{#- pct(a, b) = 100·a/b, half-up to 1 decimal, 0 when b = 0 (spec section 2) -#}
{% macro pct(a, b) -%}
{{ ratio_half_up('100 * (' ~ a ~ ')', b, 1) }}
{%- endmacro %}

{#- Money: summed exactly, rounded half-up to 2 decimals at the end (spec section 2).
    SQLite has no exact decimals: the adapter registers decimal_* functions. -#}
{% macro sqlite__money_sum(price, quantity) -%}
decimal_sum({{ price }}, {{ quantity }})
{%- endmacro %}

{% macro postgres__money_sum(price, quantity) -%}
COALESCE(SUM({{ price }} * {{ quantity }}), 0)
{%- endmacro %}

{% macro sqlite__money_round(amount) -%}
decimal_round({{ amount }}, 2)
{%- endmacro %}

{% macro postgres__money_round(amount) -%}
ROUND({{ amount }}, 2)
{%- endmacro %}

{% macro sqlite__money_ratio(amount, n) -%}
decimal_div_round({{ amount }}, {{ n }}, 2)
{%- endmacro %}

{% macro postgres__money_ratio(amount, n) -%}
(CASE WHEN ({{ n }}) = 0 THEN 0 ELSE DIV(200 * ({{ amount }}) + ({{ n }}), 2 * ({{ n }})) / 100.0 END)
{%- endmacro %}

{#- Ties in ranked lists break by key ascending, byte order on both engines -#}
{% macro sqlite__sort_key(column) %}{{ column }}{% endmacro %}
{% macro postgres__sort_key(column) %}{{ column }} COLLATE "C"{% endmacro %}
{% macro duckdb__sort_key(column) %}{{ column }}{% endmacro %}
