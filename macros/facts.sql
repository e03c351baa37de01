{#- A window [as_of - days, as_of] as additive facts, built per request from the rollups
    (whole weeks from int_events_weekly, the other whole days from int_events_daily, the
    hours around them from int_events_hourly) and int_events (the partial hours at the
    window's two edges), exact to the microsecond. Marts read it through the measures of
    macros/measures.sql only. int_window_facts is the dashboard's W; the funnel and the
    alerts read their own windows through this same macro.

    Each row: event_type, product_slug, source, events, units, revenue, and first_<key>
    for each declared distinct key: how many of those events are the first in the
    window of their key. An event is the first of its key in [a, b] when its previous
    event of that key is before a, so summing first_<key> counts distinct keys (the
    spec's count_mode in unique mode: distinct sessions).

    No day column: a row per type, product and source whatever the length is, so marts
    read the same few thousand rows for 90 days as for 7, and the rollups read grow with
    the number of weeks and days, not events (issue 10's 3x bound).

    Whole hours [h1, h2) come from the rollups, where previous-event instants are kept
    by hour: "before a" is "before hour(a)", plus the corrections below for previous
    events inside hour(a) but before a.

    days: the length, a SQL integer (default var('window_days'), the dashboard's N);
    event_types: only these types (default all); by_product: false gives product_slug
    NULL, for marts that do not read products (fewer rows); all_sources: keep every
    event's source (the funnel's filter), else only page views' (the dashboard's
    traffic sources), so the dashboard's facts do not multiply by source. -#}
{% macro window_facts(days=none, event_types=none, by_product=true, all_sources=false) -%}
{%- set keys = var('distinct_keys') %}
{%- set f = namespace(r='', e='', c='') %}
{%- if event_types %}
{%- set f.r = ' AND ' ~ one_of('r.event_type', event_types) %}
{%- set f.e = ' AND ' ~ one_of('e.event_type', event_types) %}
{#- the corrections find their events through the prev_<key> index (instants within one
    hour); a plain condition on the type made both engines pick the (event_type, ts)
    index instead and read every event of the window (0.5 s for 30 days at 100k), so
    there the type is compared through an expression no index serves -#}
{%- set f.c = ' AND ' ~ one_of("(e.event_type || '')", event_types) %}
{%- endif %}
WITH {{ window_spans(days) }},
{#- whole hours [h1, h2): the whole weeks [w1, w2) from the weekly rollup (none when
    w1 >= w2), the other whole days of [d1, d2) from the daily one, the hours around
    them from the hourly one (N >= 1, so d1 <= d2) #}
{%- set parts = [
    (ref('int_events_weekly'), "r.week >= spans.w1 AND r.week < spans.w2"),
    (ref('int_events_daily'), "r.day >= spans.day1 AND r.day < spans.day2 AND (r.day < spans.w1 OR r.day >= spans.w2)"),
    (ref('int_events_hourly'), 'r.hour >= spans.h1 AND r.hour < spans.d1'),
    (ref('int_events_hourly'), 'r.hour >= spans.d2 AND r.hour < spans.h2'),
] %}
rollup AS (
{%- for relation, within in parts %}
    SELECT r.event_type, {{ facts_product('r', by_product) }} AS product_slug,
           {{ facts_source('r', all_sources) }} AS source, r.events, r.units, r.revenue
           {%- for key in keys %}, r.ph_{{ key }}{% endfor %}
    FROM spans
    JOIN {{ relation }} AS r ON {{ within }}{{ f.r }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
),
whole_hours AS (
    SELECT r.event_type, r.product_slug, r.source, r.events, r.units, r.revenue
           {%- for key in keys %},
           CASE WHEN r.ph_{{ key }} IS NULL OR r.ph_{{ key }} < spans.h0 THEN r.events ELSE 0 END AS first_{{ key }}
           {%- endfor %}
    FROM spans
    CROSS JOIN rollup AS r
),
{#- the partial hours at the window's edges, [a, h1) and [h2, b] #}
edge_events AS (
{%- for within in ['e.ts >= spans.a AND e.ts < spans.h1', 'e.ts >= spans.h2 AND e.ts <= spans.b'] %}
    SELECT e.event_type, {{ facts_product('e', by_product) }} AS product_slug,
           {{ facts_source('e', all_sources) }} AS source, e.quantity, e.unit_price, spans.a
           {%- for key in keys %}, e.prev_{{ key }}{% endfor %}
    FROM spans JOIN {{ ref('int_events') }} AS e ON {{ within }}{{ f.e }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
),
edges AS (
    SELECT event_type, product_slug, source, 1 AS events, quantity AS units,
           CASE WHEN event_type = 'purchase' THEN {{ money_times('unit_price', 'quantity') }}
                ELSE {{ money_zero() }} END AS revenue
           {%- for key in keys %},
           CASE WHEN prev_{{ key }} IS NULL OR prev_{{ key }} < a THEN 1 ELSE 0 END AS first_{{ key }}
           {%- endfor %}
    FROM edge_events
),
{#- events in whole hours whose previous event is in hour(a) but before a: the rollups
    counted them as not first #}
corrections AS (
{%- for key in keys %}
    SELECT e.event_type, {{ facts_product('e', by_product) }} AS product_slug,
           {{ facts_source('e', all_sources) }} AS source,
           0 AS events, 0 AS units, {{ money_zero() }} AS revenue
           {%- for flag in keys %}, {{ 1 if flag == key else 0 }} AS first_{{ flag }}{% endfor %}
    FROM spans
    JOIN {{ ref('int_events') }} AS e ON e.prev_{{ key }} >= spans.h0 AND e.prev_{{ key }} < spans.a
    WHERE e.ts >= spans.h1 AND e.ts < spans.h2{{ f.c }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
),
{#- one row per type, slug and source: every mart then reads a few thousand rows.
    Money is summed on purchase rows only (on SQLite an exact sum is a Python call). #}
facts AS {{ materialized_cte() }} (
{%- for part in ['whole_hours', 'edges', 'corrections'] %}
    SELECT event_type, product_slug, source, events, units, revenue
           {%- for key in keys %}, first_{{ key }}{% endfor %}
    FROM {{ part }}
    {{- " UNION ALL" if not loop.last }}
{%- endfor %}
)
{%- for purchases in [true, false] %}
SELECT
    event_type,
    product_slug,
    source,
    SUM(events) AS events,
    SUM(units) AS units,
    {{ money_total('revenue') if purchases else money_zero() }} AS revenue
    {%- for key in keys %},
    SUM(first_{{ key }}) AS first_{{ key }}
    {%- endfor %}
FROM facts
WHERE event_type {{ '=' if purchases else '<>' }} 'purchase'
GROUP BY event_type, product_slug, source
{%- if purchases %}
UNION ALL
{%- endif %}
{%- endfor %}
{%- endmacro %}

{#- window_facts' product and source of a row of `alias` (a rollup or int_events) -#}
{% macro facts_product(alias, by_product) -%}
{{ alias ~ '.product_slug' if by_product else 'CAST(NULL AS TEXT)' }}
{%- endmacro %}

{% macro facts_source(alias, all_sources) -%}
{{ alias ~ '.source' if all_sources else "CASE WHEN " ~ alias ~ ".event_type = 'page_view' THEN " ~ alias ~ ".source END" }}
{%- endmacro %}
