{#- rfm (admin-endpoints section 4): one row per customer, a non-empty user_id with a
    purchase event in R = [as_of - 90 days, as_of] (int_events keeps '' as NULL), read
    through int_events' (event_type, ts) index:
    recency    whole days from the latest purchase in R to as_of, rounded down, exact
               to the microsecond (macros/time.sql days_to_as_of)
    frequency  purchase events in R (one order of two products counts 2)
    monetary   the exact sum of their prices, without quantity (a dirty price is 0,
               stg_store__events), rounded half-up to 2 decimals at the end
    segmento   the first of vars.rfm_segments whose bounds it meets: VIP (recency <= 7,
               frequency >= 2, unrounded monetary >= 100000), else Leal (recency <= 30),
               En riesgo (<= 60), Perdido
    Sorted by recency, then visitor_id in byte order. -#}
WITH bounds AS {{ materialized_cte() }} (
    SELECT {{ days_before_as_of(var('retention_days')) }} AS r_start, {{ as_of() }} AS r_end
),
customers AS (
    SELECT
        e.user_id AS visitor_id,
        MAX(e.ts) AS latest,
        COUNT(*) AS frequency,
        {{ money_total('e.unit_price') }} AS spent
    FROM bounds
    JOIN {{ ref('int_events') }} AS e
      ON e.event_type = 'purchase' AND e.ts >= bounds.r_start AND e.ts <= bounds.r_end
    WHERE e.user_id IS NOT NULL
    GROUP BY e.user_id
),
scored AS (
    SELECT visitor_id, {{ days_to_as_of('latest') }} AS recency, frequency, spent
    FROM customers
)
SELECT
    visitor_id,
    recency,
    frequency,
    {{ money_round('spent') }} AS monetary,
    CASE
    {%- for segment in var('rfm_segments') %}
    {%- set holds = [] %}
    {%- if segment.max_recency is defined %}{% do holds.append('recency <= ' ~ (segment.max_recency | int)) %}{% endif %}
    {%- if segment.min_frequency is defined %}{% do holds.append('frequency >= ' ~ (segment.min_frequency | int)) %}{% endif %}
    {%- if segment.min_monetary is defined %}{% do holds.append(money_at_least('spent', segment.min_monetary | int)) %}{% endif %}
        WHEN {{ holds | join(' AND ') if holds else '1 = 1' }} THEN '{{ segment.name | replace("'", "''") }}'
    {%- endfor %}
    END AS segmento
FROM scored
ORDER BY recency, {{ sort_key('visitor_id') }}

