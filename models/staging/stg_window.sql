{{ config(materialized='table', tags=['staging']) }}
{#- The 7-day window W as additive facts, built per request from int_daily and
    int_hourly (whole days and hours) and int_events (the partial hours at W's two
    edges), exact to the microsecond.

    Each row: day, event_type, product_slug, source (page views), n events, units,
    amount x mult = revenue, and first_session / first_type / first_slug: how many of
    those events are the first in W of their session / (session, type) /
    (session, type, slug). An event is the first of its key in W = [a, b] when its
    previous event of that key is before a; summing the first_* columns therefore
    counts distinct sessions (spec: count_mode in unique mode).

    Whole hours [h1, h2) come from int_daily and int_hourly, where previous-event
    instants are kept by hour: "before a" is "before hour(a)", plus the corrections
    below for previous events inside hour(a) but before a. -#}
WITH bounds AS {{ materialized_cte() }} (
    SELECT
        {{ as_of() }} AS b,
        {{ days_before_as_of(var('window_days')) }} AS a
),
hours AS {{ materialized_cte() }} (
    SELECT a, b, {{ hour_of('a') }} AS h0, {{ ceil_hour('a') }} AS h1, {{ hour_of('b') }} AS h2
    FROM bounds
),
days AS {{ materialized_cte() }} (
    SELECT hours.*, {{ ceil_day('h1') }} AS d1, {{ day_floor('h2') }} AS d2
    FROM hours
),
{#- whole hours [h1, h2): the whole days [d1, d2) from int_daily, the hours around them
    from int_hourly (window_days >= 1, so d1 <= d2) #}
{%- set parts = [
    ('int_daily', "r.day >= " ~ utc_day('days.d1') ~ " AND r.day < " ~ utc_day('days.d2')),
    ('int_hourly', 'r.hour >= days.h1 AND r.hour < days.d1'),
    ('int_hourly', 'r.hour >= days.d2 AND r.hour < days.h2'),
] %}
rollup AS (
{%- for model, within in parts %}
    SELECT r.day, r.event_type, r.product_slug, r.source, r.n, r.units, r.revenue,
           r.ph_session, r.ph_type, r.ph_slug
    FROM days
    JOIN {{ ref(model) }} AS r ON {{ within }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
),
whole_hours AS (
    SELECT r.day, r.event_type, r.product_slug, r.source, r.n, r.units,
           r.revenue AS amount, 1 AS mult,
           CASE WHEN r.ph_session IS NULL OR r.ph_session < hours.h0 THEN r.n ELSE 0 END AS first_session,
           CASE WHEN r.ph_type IS NULL OR r.ph_type < hours.h0 THEN r.n ELSE 0 END AS first_type,
           CASE WHEN r.ph_slug IS NULL OR r.ph_slug < hours.h0 THEN r.n ELSE 0 END AS first_slug
    FROM hours
    CROSS JOIN rollup AS r
),
{#- the partial hours at W's edges, [a, h1) and [h2, b] #}
edge_events AS (
{%- for within in ['e.ts >= hours.a AND e.ts < hours.h1', 'e.ts >= hours.h2 AND e.ts <= hours.b'] %}
    SELECT e.day, e.event_type, e.product_slug, e.source, e.quantity, e.unit_price, e.prev_session, e.prev_type, e.prev_slug, hours.a
    FROM hours JOIN {{ ref('int_events') }} AS e ON {{ within }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
),
edges AS (
    SELECT day, event_type, product_slug,
           CASE WHEN event_type = 'page_view' THEN source END AS source,
           1 AS n, quantity AS units,
           CASE WHEN event_type = 'purchase' THEN unit_price ELSE 0 END AS amount, quantity AS mult,
           CASE WHEN prev_session IS NULL OR prev_session < a THEN 1 ELSE 0 END AS first_session,
           CASE WHEN prev_type IS NULL OR prev_type < a THEN 1 ELSE 0 END AS first_type,
           CASE WHEN prev_slug IS NULL OR prev_slug < a THEN 1 ELSE 0 END AS first_slug
    FROM edge_events
),
{#- events in whole hours whose previous event is in hour(a) but before a: the rollups
    counted them as not first -#}
{%- set corrections = ['session', 'type', 'slug'] %}
corrections AS (
{%- for key in corrections %}
    SELECT e.day, e.event_type, e.product_slug,
           CASE WHEN e.event_type = 'page_view' THEN e.source END AS source,
           0 AS n, 0 AS units, 0 AS amount, 0 AS mult
           {%- for flag in corrections %}, {{ 1 if flag == key else 0 }} AS first_{{ flag }}{% endfor %}
    FROM hours
    JOIN {{ ref('int_events') }} AS e ON e.prev_{{ key }} >= hours.h0 AND e.prev_{{ key }} < hours.a
    WHERE e.ts >= hours.h1 AND e.ts < hours.h2
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
),
{#- one row per day, type, slug and source: every mart then reads a few thousand rows.
    Money is summed on purchase rows only (on SQLite an exact sum is a Python call). #}
facts AS {{ materialized_cte() }} (
{%- for part in ['whole_hours', 'edges', 'corrections'] %}
    SELECT day, event_type, product_slug, source, n, units, amount, mult, first_session, first_type, first_slug FROM {{ part }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
)
{%- for purchases in [true, false] %}
SELECT
    day,
    event_type,
    product_slug,
    source,
    SUM(n) AS n,
    SUM(units) AS units,
    {{ money_sum('amount', 'mult') if purchases else '0' }} AS amount,
    1 AS mult,
    SUM(first_session) AS first_session,
    SUM(first_type) AS first_type,
    SUM(first_slug) AS first_slug
FROM facts
WHERE event_type {{ '=' if purchases else '<>' }} 'purchase'
GROUP BY day, event_type, product_slug, source
{%- if purchases %}
UNION ALL
{%- endif %}
{%- endfor %}
