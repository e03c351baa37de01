{#- total_sales, total_revenue, average_order_value: purchase events in W -#}
WITH purchases AS (
    SELECT
        COALESCE(SUM(n), 0) AS total_sales,
        {{ money_sum('amount', 'mult') }} AS revenue
    FROM {{ ref('stg_window') }}
    WHERE event_type = 'purchase'
)
SELECT
    total_sales,
    {{ money_round('revenue') }} AS total_revenue,
    {{ money_ratio('revenue', 'total_sales') }} AS average_order_value
FROM purchases
