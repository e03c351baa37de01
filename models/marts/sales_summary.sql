{#- total_sales, total_revenue, average_order_value: purchase events in W -#}
WITH purchases AS (
    SELECT
        {{ events() }} AS total_sales,
        {{ revenue() }} AS revenue
    FROM {{ ref('int_window_facts') }}
    WHERE event_type = 'purchase'
)
SELECT
    total_sales,
    {{ money_round('revenue') }} AS total_revenue,
    {{ money_ratio('revenue', 'total_sales') }} AS average_order_value
FROM purchases
