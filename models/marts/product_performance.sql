{#- product_performance: per slug with a view, cart or purchase in W; first 10 by views.
    purchases is units in total mode and distinct purchasing sessions in unique mode.
    The name (latest named event in W) is looked up for those 10 slugs only, through
    int_events' (product_slug, ts) index. -#}
WITH per_slug AS (
    SELECT
        product_slug AS slug,
        {{ count_mode("event_type = 'product_view'", 'slug') }} AS views,
        {{ count_mode("event_type = 'add_to_cart'", 'slug') }} AS add_to_cart,
        {{ units("event_type = 'purchase'") }} AS purchases_units,
        {{ distinct('slug', "event_type = 'purchase'") }} AS purchase_sessions
    FROM {{ ref('int_window_facts') }}
    WHERE product_slug IS NOT NULL
      AND event_type IN ('product_view', 'add_to_cart', 'purchase')
    GROUP BY product_slug
    HAVING {{ events() }} > 0
),
top AS (
    SELECT
        slug,
        views,
        add_to_cart,
        {% if var('mode') == 'unique' %}purchase_sessions{% else %}purchases_units{% endif %} AS purchases,
        purchases_units
    FROM per_slug
    ORDER BY views DESC, {{ sort_key('slug') }}
    LIMIT 10
),
bounds AS (
    {{ window_bounds() }}
)
SELECT
    top.slug,
    COALESCE((
        SELECT e.product_name
        FROM {{ ref('int_events') }} AS e
        WHERE e.product_slug = top.slug
          AND e.product_name IS NOT NULL
          AND e.ts >= bounds.w_start
          AND e.ts <= bounds.w_end
        ORDER BY e.ts DESC, e.id DESC
        LIMIT 1
    ), top.slug) AS name,
    top.views,
    top.add_to_cart,
    top.purchases,
    top.purchases_units,
    {{ pct('top.purchases', 'top.views') }} AS conversion_rate
FROM top
CROSS JOIN bounds
ORDER BY top.views DESC, {{ sort_key('top.slug') }}
