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

{#- pct(a, b) as text with exactly one decimal ('75.0', '0.0'), for a message: the
    tenths k = half-up of 1000·a/b in integers, written k / 10 '.' k mod 10 -#}
{% macro pct_text(a, b) -%}
{%- set k = int_div('2000 * (' ~ a ~ ') + (' ~ b ~ ')', '2 * (' ~ b ~ ')') -%}
(CASE WHEN ({{ b }}) = 0 THEN '0.0'
      ELSE CAST({{ int_div(k, '10') }} AS TEXT) || '.' || CAST({{ k }} - 10 * {{ int_div(k, '10') }} AS TEXT) END)
{%- endmacro %}

{#- a whole number as text in a message ('3'), the same on both engines -#}
{% macro count_text(n) %}CAST({{ n }} AS TEXT){% endmacro %}

{#- Money (spec section 2): summed exactly, rounded half-up to 2 decimals at the end.
    PostgreSQL has NUMERIC. SQLite has no exact numbers: amounts are decimal text handled
    by SQLite's decimal extension (decimal_mul, decimal_add, decimal_sum: built into the
    sqlite3 shell, provided in Python by the SQLite adapter), so persisted models read
    the same in any client. The rounding itself is plain SQL on that text. -#}

{#- price x quantity, one event's amount -#}
{% macro sqlite__money_times(price, quantity) %}decimal_mul({{ price }}, {{ quantity }}){% endmacro %}
{% macro postgres__money_times(price, quantity) %}({{ price }} * {{ quantity }}){% endmacro %}

{#- zero, as an amount -#}
{% macro sqlite__money_zero() %}'0'{% endmacro %}
{% macro postgres__money_zero() %}CAST(0 AS NUMERIC){% endmacro %}

{#- the exact sum of amounts (an aggregate), 0 when there are none -#}
{% macro sqlite__money_total(amount) %}COALESCE(decimal_sum({{ amount }}), '0'){% endmacro %}
{% macro postgres__money_total(amount) %}COALESCE(SUM({{ amount }}), 0){% endmacro %}

{#- the integer part of non-negative decimal text -#}
{% macro sqlite__whole_part(text) -%}
(CASE WHEN instr({{ text }}, '.') = 0 THEN {{ text }} ELSE substr({{ text }}, 1, instr({{ text }}, '.') - 1) END)
{%- endmacro %}

{#- a non-negative amount, half-up to 2 decimals, as a number: + 0.005, then cut -#}
{% macro sqlite__money_round(amount) -%}
{%- set r = "decimal_add(" ~ amount ~ ", '0.005')" -%}
CAST((CASE WHEN instr({{ r }}, '.') = 0 THEN {{ r }} ELSE substr({{ r }}, 1, instr({{ r }}, '.') + 2) END) AS REAL)
{%- endmacro %}

{% macro postgres__money_round(amount) -%}
ROUND({{ amount }}, 2)
{%- endmacro %}

{#- amount / n half-up to 2 decimals, 0 when n = 0: floor((200·amount + n) / 2n) / 100,
    and floor(200·amount) may replace 200·amount there since n is a whole number -#}
{% macro sqlite__money_ratio(amount, n) -%}
(CASE WHEN ({{ n }}) = 0 THEN 0.0
      ELSE ((CAST({{ whole_part("decimal_mul(" ~ amount ~ ", '200')") }} AS INTEGER) + ({{ n }})) / (2 * ({{ n }}))) / 100.0 END)
{%- endmacro %}

{% macro postgres__money_ratio(amount, n) -%}
(CASE WHEN ({{ n }}) = 0 THEN 0 ELSE DIV(200 * ({{ amount }}) + ({{ n }}), 2 * ({{ n }})) / 100.0 END)
{%- endmacro %}

{#- whether an exact, non-negative amount (unrounded) is at least a whole number: on
    SQLite its integer part decides, so no float compares decimal text -#}
{% macro sqlite__money_at_least(amount, whole) -%}
(CAST({{ whole_part(amount) }} AS INTEGER) >= {{ whole }})
{%- endmacro %}
{% macro postgres__money_at_least(amount, whole) %}(({{ amount }}) >= {{ whole }}){% endmacro %}

{#- Ties in ranked lists break by key ascending, byte order on both engines -#}
{% macro sqlite__sort_key(column) %}{{ column }}{% endmacro %}
{% macro postgres__sort_key(column) %}{{ column }} COLLATE "C"{% endmacro %}
