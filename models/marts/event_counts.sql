{#- event_counts (count_mode per funnel event type in W) and conversion_rates from them -#}
WITH counts AS (
    SELECT
        {{ count_mode("event_type = 'product_view'") }} AS product_view,
        {{ count_mode("event_type = 'add_to_cart'") }} AS add_to_cart,
        {{ count_mode("event_type = 'begin_checkout'") }} AS begin_checkout,
        {{ count_mode("event_type = 'purchase'") }} AS purchase
    FROM {{ ref('stg_window') }}
    WHERE event_type IN ('product_view', 'add_to_cart', 'begin_checkout', 'purchase')
)
SELECT
    product_view,
    add_to_cart,
    begin_checkout,
    purchase,
    {{ pct('add_to_cart', 'product_view') }} AS visit_to_cart,
    {{ pct('begin_checkout', 'add_to_cart') }} AS cart_to_checkout,
    {{ pct('purchase', 'begin_checkout') }} AS checkout_to_purchase
FROM counts
