{#- product_performance: per slug with a view, cart or purchase in W; first 10 by views.
    purchases is units in total mode and distinct purchasing sessions in unique mode.
    latest_name is MATERIALIZED: per-request tables have no statistics, and PostgreSQL
    would otherwise re-run the window function once per slug in a nested loop. -#}
WITH per_slug AS (
    SELECT
        product_slug AS slug,
        {{ count_mode("event_type = 'product_view'") }} AS views,
        {{ count_mode("event_type = 'add_to_cart'") }} AS add_to_cart,
        COALESCE(SUM(CASE WHEN event_type = 'purchase' THEN quantity END), 0) AS purchases_units,
        COUNT(DISTINCT CASE WHEN event_type = 'purchase' THEN session_id END) AS purchase_sessions
    FROM {{ ref('stg_events') }}
    WHERE in_window = 1
      AND product_slug IS NOT NULL
      AND event_type IN ('product_view', 'add_to_cart', 'purchase')
    GROUP BY product_slug
),
latest_name AS MATERIALIZED (
    SELECT slug, name
    FROM (
        SELECT
            product_slug AS slug,
            product_name AS name,
            ROW_NUMBER() OVER (PARTITION BY product_slug ORDER BY ts DESC, id DESC) AS position
        FROM {{ ref('stg_events') }}
        WHERE in_window = 1 AND product_slug IS NOT NULL AND product_name IS NOT NULL
    ) AS named
    WHERE position = 1
),
scored AS (
    SELECT
        per_slug.slug,
        COALESCE(latest_name.name, per_slug.slug) AS name,
        per_slug.views,
        per_slug.add_to_cart,
        {% if var('mode') == 'unique' %}per_slug.purchase_sessions{% else %}per_slug.purchases_units{% endif %} AS purchases,
        per_slug.purchases_units
    FROM per_slug
    LEFT JOIN latest_name ON latest_name.slug = per_slug.slug
)
SELECT
    slug,
    name,
    views,
    add_to_cart,
    purchases,
    purchases_units,
    {{ pct('purchases', 'views') }} AS conversion_rate
FROM scored
ORDER BY views DESC, {{ sort_key('slug') }}
LIMIT 10
