{#- alerts (admin-endpoints section 3): the rules evaluated in their order, each fired
    rule's rows in the body's order, all_clear when none fired; timestamp = as_of for
    all. The counts come from int_alert_counts (events one by one in D24, H6, H1) and
    int_alert_week_facts (D7 from the rollups); the thresholds are project vars
    (vars.alert_thresholds) and the messages quote them. Integers are written as plain
    digits, the rate with one decimal (macros/math.sql pct_text), and rule 1 compares
    the exact rate: abandoned / began > p % is 100 · abandoned > p · began. -#}
{%- set t = var('alert_thresholds') %}
WITH counts AS (
    SELECT began, abandoned, payment_errors, carts_abandoned, stuck_sessions
    FROM {{ ref('int_alert_counts') }}
),
products AS (
    SELECT
        product_slug,
        {{ distinct('slug', "event_type = 'product_view'") }} AS views,
        {{ events("event_type = 'purchase'") }} AS purchases
    FROM {{ ref('int_alert_week_facts') }}
    WHERE product_slug IS NOT NULL
    GROUP BY product_slug
),
fired AS (
    SELECT 1 AS rule, 0 AS views, '' AS slug, 'high_abandonment' AS type, 'critical' AS severity,
           'Tasa de abandono del ' || {{ pct_text('abandoned', 'began') }} || '% en las últimas 24h ('
           || {{ count_text('abandoned') }} || ' de ' || {{ count_text('began') }} || ' checkouts)' AS message,
           CAST(NULL AS TEXT) AS product_slug
    FROM counts
    WHERE began >= {{ t.min_checkouts | int }} AND 100 * abandoned > {{ t.abandonment_pct | int }} * began
    UNION ALL
    SELECT 2, views, product_slug, 'popular_no_conversion', 'warning',
           'Producto "' || product_slug || '" tuvo ' || {{ count_text('views') }}
           || ' vistas únicas sin ninguna compra en 7 días',
           product_slug
    FROM products
    WHERE views > {{ t.popular_views | int }} AND purchases = 0
    UNION ALL
    SELECT 3, 0, '', 'payment_errors', 'critical',
           'Se detectaron ' || {{ count_text('payment_errors') }} || ' errores de pago en la última hora',
           NULL
    FROM counts
    WHERE payment_errors > 0
    UNION ALL
    SELECT 4, 0, '', 'carts_abandoned', 'warning',
           {{ count_text('carts_abandoned') }} || ' carritos no iniciaron checkout en las últimas 6h',
           NULL
    FROM counts
    WHERE carts_abandoned >= {{ t.carts | int }}
    UNION ALL
    SELECT 5, 0, '', 'stuck_sessions', 'info',
           {{ count_text('stuck_sessions') }} || ' sesiones con más de {{ t.stuck_events | int }} eventos en 24h sin completar compra',
           NULL
    FROM counts
    WHERE stuck_sessions > 0
),
listed AS (
    SELECT rule, views, slug, type, severity, message, product_slug FROM fired
    UNION ALL
    SELECT 6, 0, '', 'all_clear', 'info', 'No se detectaron anomalías en este momento.', NULL
    WHERE NOT EXISTS (SELECT 1 FROM fired)
)
SELECT type, message, severity, {{ as_of() }} AS alerted_at, product_slug
FROM listed
ORDER BY rule, views DESC, {{ sort_key('slug') }}
