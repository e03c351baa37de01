{#- Instants and days (spec sections 1 and 2).

    SQLite keeps created_at as text in several ISO-8601 forms; every instant is turned
    into canonical UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', which compares and sorts
    exactly like the instant, to the microsecond. SQLite's datetime() only applies the
    offset (whole minutes) to the seconds part; the fraction is carried over as text.
    On PostgreSQL created_at is TIMESTAMPTZ and is compared as such.

    as_of arrives as canonical UTC text (a bound parameter). -#}

{% macro sqlite__utc_timestamp(column) -%}
{%- set rest = 'substr(' ~ column ~ ', 20)' -%}
{%- set tzpos = 'min(instr(' ~ rest ~ " || 'Z', 'Z'), instr(" ~ rest ~ " || '+', '+'), instr(" ~ rest ~ " || '-', '-'))" -%}
{%- set tz = 'substr(' ~ rest ~ ', ' ~ tzpos ~ ')' -%}
{%- set frac = "CASE WHEN substr(" ~ rest ~ ", 1, 1) = '.' THEN substr(" ~ rest ~ ", 2, " ~ tzpos ~ " - 2) ELSE '' END" -%}
(CASE WHEN typeof({{ column }}) = 'text'
       AND {{ column }} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'
       AND ({{ tz }} IN ('', 'Z') OR {{ tz }} GLOB '[+-][0-9][0-9]:[0-9][0-9]')
       AND ({{ frac }}) NOT GLOB '*[^0-9]*'
  THEN datetime(substr({{ column }}, 1, 10) || ' ' || substr({{ column }}, 12, 8) || {{ tz }})
       || '.' || substr(({{ frac }}) || '000000', 1, 6)
END)
{%- endmacro %}

{% macro postgres__utc_timestamp(column) %}{{ column }}{% endmacro %}

{#- the run's as_of instant -#}
{% macro sqlite__as_of() %}{{ var('as_of') }}{% endmacro %}
{% macro postgres__as_of() %}(CAST({{ var('as_of') }} AS TIMESTAMP) AT TIME ZONE 'UTC'){% endmacro %}

{#- as_of minus a whole number of days, exact to the microsecond -#}
{% macro sqlite__days_before_as_of(days) -%}
(datetime(substr({{ var('as_of') }}, 1, 19), '-{{ days | int }} days') || substr({{ var('as_of') }}, 20))
{%- endmacro %}
{% macro postgres__days_before_as_of(days) -%}
({{ as_of() }} - {{ days | int }} * INTERVAL '1 day')
{%- endmacro %}

{#- Index-friendly first cut on the raw column, never narrower than the exact window.
    SQLite text with an offset can be up to a day away from its UTC date, so the cut
    is by date with a day of margin on both sides; the exact test follows on ts. -#}
{% macro sqlite__created_at_since(column, days) -%}
{{ column }} >= date(substr({{ var('as_of') }}, 1, 10), '-{{ (days | int) + 1 }} days')
AND {{ column }} < date(substr({{ var('as_of') }}, 1, 10), '+2 days')
{%- endmacro %}
{% macro postgres__created_at_since(column, days) -%}
{{ column }} >= {{ days_before_as_of(days) }} AND {{ column }} <= {{ as_of() }}
{%- endmacro %}

{#- the UTC calendar date of an instant, as 'YYYY-MM-DD' -#}
{% macro sqlite__utc_day(ts) %}substr({{ ts }}, 1, 10){% endmacro %}
{% macro postgres__utc_day(ts) %}to_char({{ ts }} AT TIME ZONE 'UTC', 'YYYY-MM-DD'){% endmacro %}

{#- the window day `k` days before date(as_of), as 'YYYY-MM-DD' -#}
{% macro sqlite__window_day(k) -%}
date(substr({{ var('as_of') }}, 1, 10), '-{{ k | int }} days')
{%- endmacro %}
{% macro postgres__window_day(k) -%}
to_char(CAST(CAST({{ var('as_of') }} AS TIMESTAMP) AS DATE) - {{ k | int }}, 'YYYY-MM-DD')
{%- endmacro %}

{#- the 8 window days as rows (day), ascending -#}
{% macro window_days() -%}
{%- for k in range(var('window_days') | int, -1, -1) %}
SELECT {{ window_day(k) }} AS day{% if not loop.last %} UNION ALL{% endif %}
{%- endfor %}
{%- endmacro %}
