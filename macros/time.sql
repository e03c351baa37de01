{#- Instants and days (spec sections 1 and 2).

    SQLite keeps created_at as text in several ISO-8601 forms; every instant is turned
    into canonical UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', which compares and sorts
    exactly like the instant, to the microsecond. On PostgreSQL created_at is
    TIMESTAMPTZ and is compared as such.

    as_of arrives as canonical UTC text (a bound parameter). -#}

{#- SQLite: created_at text in the spec's forms -> canonical UTC text, or NULL (another
    form, an impossible date or time (year 0 included), not text: in no window). Plain SQL: the date is
    checked by hand (SQLite's datetime() accepts 2024-02-30 and 24:00), the fraction is
    kept to the microsecond from the text itself, and datetime() only moves the clock by
    a non-zero offset. Checked against the reference's parser (tests/models). -#}
{% macro sqlite__utc_timestamp(column) -%}
{%- set x = column -%}
{%- set tz = "(CASE WHEN substr(" ~ x ~ ", -1) = 'Z' THEN 1 WHEN substr(" ~ x ~ ", -6, 1) IN ('+', '-') AND substr(" ~ x ~ ", -3, 1) = ':' THEN 6 ELSE 0 END)" -%}
{%- set frac = "(CASE WHEN substr(" ~ x ~ ", 20, 1) = '.' THEN substr(" ~ x ~ ", 21, length(" ~ x ~ ") - 20 - " ~ tz ~ ") ELSE '' END)" -%}
{%- set month = "substr(" ~ x ~ ", 6, 2)" -%}
{%- set year = "CAST(substr(" ~ x ~ ", 1, 4) AS INTEGER)" -%}
{%- set plain = "substr(" ~ x ~ ", 1, 10) || ' ' || substr(" ~ x ~ ", 12, 8)" -%}
{%- set sign = "(CASE substr(" ~ x ~ ", -6, 1) WHEN '+' THEN '-' ELSE '+' END)" -%}
(CASE WHEN typeof({{ x }}) <> 'text' OR length({{ x }}) < 19
       OR {{ x }} NOT GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9][ T][0-2][0-9]:[0-5][0-9]:[0-5][0-9]*'
       OR substr({{ x }}, 1, 4) = '0000' OR substr({{ x }}, 12, 2) > '23'
       OR {{ month }} NOT BETWEEN '01' AND '12'
       OR substr({{ x }}, 9, 2) NOT BETWEEN '01' AND (CASE WHEN {{ month }} IN ('04', '06', '09', '11') THEN '30'
            WHEN {{ month }} <> '02' THEN '31'
            WHEN {{ year }} % 4 = 0 AND ({{ year }} % 100 <> 0 OR {{ year }} % 400 = 0) THEN '29' ELSE '28' END)
       THEN NULL
  WHEN length({{ x }}) = 19 THEN {{ plain }} || '.000000'
  WHEN substr({{ x }}, 20, 1) = '.' AND (length({{ x }}) - 20 - {{ tz }} < 1 OR {{ frac }} GLOB '*[^0-9]*') THEN NULL
  WHEN substr({{ x }}, 20, 1) <> '.' AND length({{ x }}) - 19 <> {{ tz }} THEN NULL
  WHEN {{ tz }} = 6 AND substr({{ x }}, -5, 2) || substr({{ x }}, -2) GLOB '*[^0-9]*' THEN NULL
  WHEN {{ tz }} < 6 OR substr({{ x }}, -5) = '00:00' THEN {{ plain }} || '.' || substr({{ frac }} || '000000', 1, 6)
  ELSE datetime({{ plain }}, {{ sign }} || substr({{ x }}, -5, 2) || ' hours', {{ sign }} || substr({{ x }}, -2) || ' minutes')
       || '.' || substr({{ frac }} || '000000', 1, 6)
 END)
{%- endmacro %}

{% macro postgres__utc_timestamp(column) %}{{ column }}{% endmacro %}

{#- the run's as_of instant -#}
{% macro sqlite__as_of() %}{{ var('as_of') }}{% endmacro %}
{% macro postgres__as_of() %}(CAST({{ var('as_of') }} AS TIMESTAMP) AT TIME ZONE 'UTC'){% endmacro %}

{#- as_of minus a whole number of days, exact to the microsecond. `days` is a SQL
    integer expression: a literal (retention's 90) or a bound param (the window's N). -#}
{% macro sqlite__days_before_as_of(days) -%}
(datetime(substr({{ var('as_of') }}, 1, 19), '-' || ({{ days }}) || ' days') || substr({{ var('as_of') }}, 20))
{%- endmacro %}
{% macro postgres__days_before_as_of(days) -%}
({{ as_of() }} - CAST({{ days }} AS INTEGER) * INTERVAL '1 day')
{%- endmacro %}

{#- as_of minus a whole number of hours, exact to the microsecond (the alerts' 1, 6 and
    24 hours; UTC has no daylight saving, so 24 hours is a day) -#}
{% macro sqlite__hours_before_as_of(hours) -%}
(datetime(substr({{ var('as_of') }}, 1, 19), '-' || ({{ hours }}) || ' hours') || substr({{ var('as_of') }}, 20))
{%- endmacro %}
{% macro postgres__hours_before_as_of(hours) -%}
({{ as_of() }} - CAST({{ hours }} AS INTEGER) * INTERVAL '1 hour')
{%- endmacro %}

{#- Whole days from an instant `ts` (at or before as_of) to as_of, rounded down, exact to
    the microsecond: the days between their UTC dates, less one when ts's time of day is
    later than as_of's (RFM's recency). No floating point decides. -#}
{% macro sqlite__days_to_as_of(ts) -%}
(CAST(julianday(substr({{ var('as_of') }}, 1, 10)) - julianday(substr({{ ts }}, 1, 10)) AS INTEGER)
 - (CASE WHEN substr({{ ts }}, 12) > substr({{ var('as_of') }}, 12) THEN 1 ELSE 0 END))
{%- endmacro %}
{% macro postgres__days_to_as_of(ts) -%}
{%- set as_of_utc = "CAST(" ~ var('as_of') ~ " AS TIMESTAMP)" -%}
{%- set ts_utc = "((" ~ ts ~ ") AT TIME ZONE 'UTC')" -%}
(CAST({{ as_of_utc }} AS DATE) - CAST({{ ts_utc }} AS DATE)
 - (CASE WHEN CAST({{ ts_utc }} AS TIME) > CAST({{ as_of_utc }} AS TIME) THEN 1 ELSE 0 END))
{%- endmacro %}

{#- the UTC hour of an instant, as 'YYYY-MM-DD HH' -#}
{% macro sqlite__utc_hour_text(ts) %}substr({{ ts }}, 1, 13){% endmacro %}
{% macro postgres__utc_hour_text(ts) %}to_char({{ ts }} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24'){% endmacro %}

{#- the UTC calendar date of an instant, as 'YYYY-MM-DD' -#}
{% macro sqlite__utc_day(ts) %}substr({{ ts }}, 1, 10){% endmacro %}
{% macro postgres__utc_day(ts) %}to_char({{ ts }} AT TIME ZONE 'UTC', 'YYYY-MM-DD'){% endmacro %}

{#- The window days as rows (day 'YYYY-MM-DD'): every date from date(as_of) - N to
    date(as_of), N + 1 of them (spec section 2), N = var('window_days'), a bound param. -#}
{% macro sqlite__timeline_dates() -%}
SELECT date(substr({{ var('as_of') }}, 1, 10), '-' || steps.k || ' days') AS day
FROM (
    WITH RECURSIVE steps(k) AS (
        SELECT 0 UNION ALL SELECT k + 1 FROM steps WHERE k < {{ var('window_days') }}
    )
    SELECT k FROM steps
) AS steps
{%- endmacro %}
{% macro postgres__timeline_dates() -%}
SELECT to_char(CAST(CAST({{ var('as_of') }} AS TIMESTAMP) AS DATE) - CAST(steps.k AS INTEGER), 'YYYY-MM-DD') AS day
FROM generate_series(0, CAST({{ var('window_days') }} AS INTEGER)) AS steps(k)
{%- endmacro %}

{#- A CTE evaluated once: SQLite otherwise inlines it and repeats its expressions;
    PostgreSQL inlines a CTE referenced once, which lets it push filters down. -#}
{% macro sqlite__materialized_cte() %}MATERIALIZED{% endmacro %}
{% macro default__materialized_cte() %}{% endmacro %}

{#- the start of the UTC hour of an instant (same type as the instant) -#}
{% macro sqlite__hour_of(ts) %}(substr({{ ts }}, 1, 13) || ':00:00.000000'){% endmacro %}
{% macro postgres__hour_of(ts) %}date_trunc('hour', {{ ts }}){% endmacro %}

{#- the first hour boundary at or after an instant -#}
{% macro sqlite__ceil_hour(ts) -%}
(CASE WHEN {{ hour_of(ts) }} = {{ ts }} THEN {{ ts }}
      ELSE strftime('%Y-%m-%d %H:00:00.000000', substr({{ ts }}, 1, 19), '+1 hour') END)
{%- endmacro %}
{% macro postgres__ceil_hour(ts) -%}
(CASE WHEN date_trunc('hour', {{ ts }}) = {{ ts }} THEN {{ ts }}
      ELSE date_trunc('hour', {{ ts }}) + INTERVAL '1 hour' END)
{%- endmacro %}

{#- a <> b where NULL equals NULL -#}
{% macro sqlite__differs(a, b) %}({{ a }} IS NOT {{ b }}){% endmacro %}
{% macro postgres__differs(a, b) %}({{ a }} IS DISTINCT FROM {{ b }}){% endmacro %}

{#- the start of the UTC day of an instant, and the first midnight at or after it -#}
{% macro sqlite__day_floor(ts) %}(substr({{ ts }}, 1, 10) || ' 00:00:00.000000'){% endmacro %}
{% macro postgres__day_floor(ts) %}date_trunc('day', {{ ts }}){% endmacro %}
{% macro sqlite__ceil_day(ts) -%}
(CASE WHEN {{ day_floor(ts) }} = {{ ts }} THEN {{ ts }}
      ELSE date(substr({{ ts }}, 1, 10), '+1 day') || ' 00:00:00.000000' END)
{%- endmacro %}
{% macro postgres__ceil_day(ts) -%}
(CASE WHEN date_trunc('day', {{ ts }}) = {{ ts }} THEN {{ ts }}
      ELSE date_trunc('day', {{ ts }}) + INTERVAL '1 day' END)
{%- endmacro %}

{#- Weeks (the weekly rollup): a week is named by its Monday, 'YYYY-MM-DD'.
    week_of(day): the Monday on or before a 'YYYY-MM-DD' day; ceil_week(day): the
    Monday on or after it; day_start(day): the day's first instant (the type of ts). -#}
{% macro sqlite__week_of(day) %}date({{ day }}, '-6 days', 'weekday 1'){% endmacro %}
{% macro postgres__week_of(day) -%}
to_char(date_trunc('week', CAST({{ day }} AS DATE)), 'YYYY-MM-DD')
{%- endmacro %}
{% macro sqlite__ceil_week(day) %}date({{ day }}, 'weekday 1'){% endmacro %}
{% macro postgres__ceil_week(day) -%}
to_char(CAST({{ day }} AS DATE) + CAST((8 - EXTRACT(ISODOW FROM CAST({{ day }} AS DATE))) AS INTEGER) % 7, 'YYYY-MM-DD')
{%- endmacro %}
{% macro sqlite__day_start(day) %}({{ day }} || ' 00:00:00.000000'){% endmacro %}
{% macro postgres__day_start(day) %}(CAST({{ day }} AS TIMESTAMP) AT TIME ZONE 'UTC'){% endmacro %}
